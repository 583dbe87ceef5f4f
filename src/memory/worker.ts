// The embedding lifecycle: pending -> processing (claimed by a worker pid) -> completed, or failed
// with the error and a retry time (backoff, at most 3 attempts). Claims of a worker that died are
// released on the next run, so nothing stays stuck in `processing`. Embedding runs outside any
// transaction: the store is locked only to claim a batch and to write its vectors.
import type { Db } from '../db/open.js';
import { EmbeddingUnavailable, type Embedder } from './embed/index.js';
import { alive } from '../shell/lock.js';
import type { MemoryRow } from './model.js';
import { EmbeddingQueue } from './store/embeddings.js';
import { VECTOR_TABLES } from './store/search.js';

export { MAX_ATTEMPTS } from './store/embeddings.js';

/** MiniLM reads 256 tokens; longer text costs time without changing the vector much. */
const MAX_CHARS = 4000;

export interface WorkerReport {
  embedded: number;
  failed: number;
  near_duplicates: number;
  released: number;
  unavailable?: string;
}

/** Puts memories claimed by dead workers back to `pending`. */
export function releaseStale(db: Db): number {
  const q = new EmbeddingQueue(db);
  let released = 0;
  for (const c of q.claims()) {
    const pid = Number(c?.split(':')[1]);
    if (c && Number.isInteger(pid) && alive(pid) && pid !== process.pid) continue;
    released += q.release(c);
  }
  return released;
}

export function textOf(r: Pick<MemoryRow, 'title' | 'content'>): string {
  const t = r.title ? `${r.title}\n${r.content}` : r.content;
  return t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t;
}

export interface WorkerOptions {
  batchSize: number;
  now: () => number;
  onProgress?: (done: number, total: number) => void;
}

export async function runWorker(db: Db, embedder: Embedder, o: WorkerOptions): Promise<WorkerReport> {
  const q = new EmbeddingQueue(db);
  const report: WorkerReport = { embedded: 0, failed: 0, near_duplicates: 0, released: releaseStale(db) };
  if (!VECTOR_TABLES[embedder.dim]) throw new EmbeddingUnavailable(`no vector table for ${embedder.dim}-dimensional vectors (model ${embedder.model})`);
  const all = q.backlog();
  const me = `pid:${process.pid}`;
  const keep = (batch: MemoryRow[], vectors: (Float32Array | null)[]) => {
    const r = q.keep(batch, vectors, embedder.model, embedder.dim, o.now());
    report.embedded += r.embedded;
    report.near_duplicates += r.near_duplicates;
  };
  const unavailable = (rows: MemoryRow[], err: EmbeddingUnavailable) => {
    q.requeue(rows);
    report.unavailable = err.message;
    return report;
  };
  for (;;) {
    const batch = q.claim(o.batchSize, o.now(), me);
    if (!batch.length) break;
    let vectors: (Float32Array | null)[];
    try {
      vectors = await embedder.embed(batch.map(textOf));
    } catch (err) {
      if (err instanceof EmbeddingUnavailable) return unavailable(batch, err);
      if (batch.length === 1) {
        q.fail(batch, (err as Error).message, o.now());
        report.failed += 1;
        continue;
      }
      // One bad text must not fail its batch neighbours (and use up their attempts): one by one.
      vectors = [];
      for (const [i, r] of batch.entries()) {
        try {
          vectors.push((await embedder.embed([textOf(r)]))[0]!);
        } catch (one) {
          if (one instanceof EmbeddingUnavailable) {
            keep(batch.slice(0, i), vectors);
            return unavailable(batch.slice(i), one);
          }
          q.fail([r], (one as Error).message, o.now());
          report.failed += 1;
          vectors.push(null);
        }
      }
    }
    keep(batch, vectors);
    o.onProgress?.(report.embedded, all);
  }
  return report;
}
