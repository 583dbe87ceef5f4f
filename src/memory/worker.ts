// The embedding lifecycle: pending -> processing (claimed by a worker pid) -> completed, or failed
// with the error and a retry time (backoff, at most 3 attempts). Claims of a worker that died are
// released on the next run, so nothing stays stuck in `processing`.
import { ensureVec, type Db } from '../db/open.js';
import { EmbeddingUnavailable, type Embedder } from './embed/index.js';
import { alive } from '../shell/lock.js';
import { NEAR_DUPLICATE, type MemoryRow } from './model.js';
import { MemoryStore, VECTOR_TABLES } from './store.js';

export const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 30_000;
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
  const claimed = db.prepare("SELECT DISTINCT embedding_claim AS c FROM memories WHERE embedding_status = 'processing'").all() as { c: string | null }[];
  let released = 0;
  for (const { c } of claimed) {
    const pid = Number(c?.split(':')[1]);
    if (c && Number.isInteger(pid) && alive(pid) && pid !== process.pid) continue;
    released += db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_claim = NULL WHERE embedding_status = 'processing' AND embedding_claim IS ?").run(c).changes;
  }
  return released;
}

export function textOf(r: Pick<MemoryRow, 'title' | 'content'>): string {
  const t = r.title ? `${r.title}\n${r.content}` : r.content;
  return t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t;
}

function claim(db: Db, size: number, now: number): MemoryRow[] {
  const me = `pid:${process.pid}`;
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT * FROM memories WHERE deleted_at IS NULL AND (embedding_status = 'pending'
           OR (embedding_status = 'failed' AND embedding_attempts < ${MAX_ATTEMPTS} AND embedding_retry_at <= ?))
         ORDER BY n LIMIT ?`,
      )
      .all(now, size) as MemoryRow[];
    const set = db.prepare("UPDATE memories SET embedding_status = 'processing', embedding_claim = ? WHERE n = ?");
    for (const r of rows) set.run(me, r.n);
    return rows;
  }).immediate();
}

export interface WorkerOptions {
  batchSize: number;
  now: () => number;
  onProgress?: (done: number, total: number) => void;
}

export async function runWorker(db: Db, embedder: Embedder, o: WorkerOptions): Promise<WorkerReport> {
  ensureVec(db);
  const report: WorkerReport = { embedded: 0, failed: 0, near_duplicates: 0, released: releaseStale(db) };
  const table = VECTOR_TABLES[embedder.dim];
  if (!table) throw new EmbeddingUnavailable(`no vector table for ${embedder.dim}-dimensional vectors (model ${embedder.model})`);
  const store = new MemoryStore(db);
  const total = () => (db.prepare("SELECT COUNT(*) AS c FROM memories WHERE deleted_at IS NULL AND embedding_status IN ('pending', 'processing')").get() as { c: number }).c;
  const all = total();
  for (;;) {
    const batch = claim(db, o.batchSize, o.now());
    if (!batch.length) break;
    let vectors: (Float32Array | null)[];
    try {
      vectors = await embedder.embed(batch.map(textOf));
    } catch (err) {
      if (err instanceof EmbeddingUnavailable) return unavailable(db, batch, err, report);
      if (batch.length === 1) {
        fail(db, batch, (err as Error).message, o.now());
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
            keep(db, store, table, embedder, batch.slice(0, i), vectors, report, o.now());
            return unavailable(db, batch.slice(i), one, report);
          }
          fail(db, [r], (one as Error).message, o.now());
          report.failed += 1;
          vectors.push(null);
        }
      }
    }
    keep(db, store, table, embedder, batch, vectors, report, o.now());
    o.onProgress?.(report.embedded, all);
  }
  return report;
}

/** Stores the vectors of a batch (null: that memory failed and is already marked so). */
function keep(db: Db, store: MemoryStore, table: string, embedder: Embedder, batch: MemoryRow[], vectors: (Float32Array | null)[], report: WorkerReport, now: number): void {
  const insert = db.prepare(`INSERT INTO ${table} (rowid, scope, model, embedding) VALUES (?, ?, ?, ?)`);
  const done = db.prepare(
    "UPDATE memories SET embedding_status = 'completed', embedding_model = ?, embedding_dim = ?, embedding_updated_at = ?, embedding_error = NULL, embedding_claim = NULL, embedding_retry_at = NULL WHERE n = ?",
  );
  db.transaction(() => {
    batch.forEach((r, i) => {
      const v = vectors[i];
      if (!v) return;
      store.dropVector(r.n);
      insert.run(BigInt(r.n), r.scope, embedder.model, v);
      done.run(embedder.model, embedder.dim, now, r.n);
      report.embedded++;
      if (markNearDuplicate(db, store, table, r, v, embedder.model, now)) report.near_duplicates++;
    });
  })();
}

/** Not the memories' fault: they wait as pending for a model, without using up retries. */
function unavailable(db: Db, rows: MemoryRow[], err: EmbeddingUnavailable, report: WorkerReport): WorkerReport {
  if (rows.length) db.prepare(`UPDATE memories SET embedding_status = 'pending', embedding_claim = NULL WHERE n IN (${rows.map((r) => r.n).join(',')})`).run();
  report.unavailable = err.message;
  return report;
}

function fail(db: Db, rows: MemoryRow[], error: string, now: number): void {
  const set = db.prepare(
    "UPDATE memories SET embedding_status = 'failed', embedding_error = ?, embedding_attempts = embedding_attempts + 1, embedding_retry_at = ?, embedding_claim = NULL WHERE n = ?",
  );
  db.transaction(() => rows.forEach((r) => set.run(error.slice(0, 500), now + BACKOFF_MS * 2 ** r.embedding_attempts, r.n)))();
}

/** An older memory of the same kind and scope this close in meaning is reported, not merged. */
function markNearDuplicate(db: Db, store: MemoryStore, table: string, r: MemoryRow, v: Float32Array, model: string, now: number): boolean {
  const near = db
    .prepare(`SELECT rowid AS n, 1 - distance AS sim FROM ${table} WHERE embedding MATCH ? AND k = 3 AND scope = ? AND model = ?`)
    .all(v, r.scope, model) as { n: number; sim: number }[];
  for (const c of near) {
    if (c.n === r.n || c.sim < NEAR_DUPLICATE) continue;
    const other = store.rows([c.n]).get(c.n);
    if (!other || other.deleted_at !== null || other.kind !== r.kind || other.n > r.n) continue;
    db.prepare('UPDATE memories SET near_duplicate_of = ? WHERE n = ?').run(other.id, r.n);
    db.prepare('INSERT INTO memory_audit (memory_id, at, action, changes) VALUES (?, ?, ?, ?)').run(r.id, now, 'near_duplicate', JSON.stringify({ of: other.id, similarity: c.sim }));
    return true;
  }
  return false;
}

/** `mem embed --retry-failed`: failed memories get a fresh set of attempts. */
export function retryFailed(db: Db): number {
  return db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_attempts = 0, embedding_retry_at = NULL, embedding_error = NULL WHERE embedding_status = 'failed' AND deleted_at IS NULL").run().changes;
}

/** `mem embed --reembed`: vectors of another model (or all) are dropped and embedded again. */
export function queueReembed(db: Db, model: string | null): number {
  return db.transaction(() => {
    const rows = db.prepare(`SELECT n FROM memories WHERE deleted_at IS NULL AND embedding_status = 'completed' ${model ? 'AND embedding_model IS NOT ?' : ''}`).all(...(model ? [model] : [])) as { n: number }[];
    const store = new MemoryStore(db);
    const set = db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_attempts = 0, embedding_model = NULL, embedding_dim = NULL, near_duplicate_of = NULL WHERE n = ?");
    for (const r of rows) {
      store.dropVector(r.n);
      set.run(r.n);
    }
    return rows.length;
  })();
}
