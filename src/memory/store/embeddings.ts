// The embedding queue's SQL: claims, results, failures, retries, vectors and near-duplicates.
// The lifecycle it serves is in ../worker.ts.
import { ensureVec, type Db } from '../../db/open.js';
import { writeTx } from '../../db/tx.js';
import { NEAR_DUPLICATE, type MemoryRow } from '../model.js';
import { MemoryStore } from './memories.js';
import { VECTOR_TABLES } from './search.js';

export const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 30_000;

export class EmbeddingQueue {
  private readonly memories: MemoryStore;
  constructor(readonly db: Db) {
    this.memories = new MemoryStore(db);
  }

  /** The distinct claims on memories being embedded (`pid:<n>`). */
  claims(): (string | null)[] {
    return this.db.prepare("SELECT DISTINCT embedding_claim FROM memories WHERE embedding_status = 'processing'").pluck().all() as (string | null)[];
  }

  /** Puts the memories of one claim back to `pending`. */
  release(claim: string | null): number {
    return this.db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_claim = NULL WHERE embedding_status = 'processing' AND embedding_claim IS ?").run(claim).changes;
  }

  /** Memories waiting or being embedded. */
  backlog(): number {
    return this.db.prepare("SELECT COUNT(*) FROM memories WHERE deleted_at IS NULL AND embedding_status IN ('pending', 'processing')").pluck().get() as number;
  }

  /** Memories a worker would claim now (or that a dead worker left claimed): zero means no model need be loaded. */
  due(now: number): number {
    return this.db
      .prepare(
        `SELECT COUNT(*) FROM memories WHERE deleted_at IS NULL AND (embedding_status IN ('pending', 'processing')
           OR (embedding_status = 'failed' AND embedding_attempts < ${MAX_ATTEMPTS} AND embedding_retry_at <= ?))`,
      )
      .pluck()
      .get(now) as number;
  }

  /** Claims up to `size` memories due for embedding, for this process. */
  claim(size: number, now: number, me: string): MemoryRow[] {
    const db = this.db;
    return writeTx(db, () => {
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
    });
  }

  /**
   * Stores the vectors of a batch (null: that memory failed and is already marked so) and flags
   * near-duplicates. Returns how many were stored and flagged. The nearest-neighbour searches (a
   * scan of every vector in the scope: ~0.1 s each over 100,000) run before the transaction, so
   * the store is locked only for the writes.
   */
  keep(batch: readonly MemoryRow[], vectors: readonly (Float32Array | null)[], model: string, dim: number, now: number): { embedded: number; near_duplicates: number } {
    const db = ensureVec(this.db);
    const table = VECTOR_TABLES[dim]!;
    const near = batch.map((r, i) => (vectors[i] ? this.nearCandidates(table, batch, vectors, i, model) : []));
    const insert = db.prepare(`INSERT INTO ${table} (rowid, scope, model, embedding) VALUES (?, ?, ?, ?)`);
    const done = db.prepare(
      "UPDATE memories SET embedding_status = 'completed', embedding_model = ?, embedding_dim = ?, embedding_updated_at = ?, embedding_error = NULL, embedding_claim = NULL, embedding_retry_at = NULL WHERE n = ? AND embedding_status = 'processing' AND deleted_at IS NULL",
    );
    const out = { embedded: 0, near_duplicates: 0 };
    writeTx(db, () => {
      batch.forEach((r, i) => {
        const v = vectors[i];
        // Edited or deleted while it was being embedded: the vector is of old text; leave it.
        if (!v || done.run(model, dim, now, r.n).changes === 0) return;
        this.memories.dropVector(r.n);
        insert.run(BigInt(r.n), r.scope, model, v);
        out.embedded++;
        if (this.markNearDuplicate(r, near[i]!, now)) out.near_duplicates++;
      });
    });
    return out;
  }

  /**
   * The memories closest to the batch's i-th vector, most similar first: among those stored (the
   * three nearest in its scope) and the batch's others (not stored yet).
   */
  private nearCandidates(table: string, batch: readonly MemoryRow[], vectors: readonly (Float32Array | null)[], i: number, model: string): { n: number; sim: number }[] {
    const r = batch[i]!;
    const v = vectors[i]!;
    const stored = this.db
      .prepare(`SELECT rowid AS n, 1 - distance AS sim FROM ${table} WHERE embedding MATCH ? AND k = 3 AND scope = ? AND model = ?`)
      .all(v, r.scope, model) as { n: number; sim: number }[];
    const inBatch = batch.flatMap((o, j) => (j !== i && vectors[j] && o.scope === r.scope ? [{ n: o.n, sim: cosine(v, vectors[j]) }] : []));
    const seen = new Set(inBatch.map((c) => c.n));
    return [...inBatch, ...stored.filter((c) => !seen.has(c.n))].filter((c) => c.n !== r.n && c.sim >= NEAR_DUPLICATE).sort((a, b) => b.sim - a.sim);
  }

  /** An older memory of the same kind and scope this close in meaning is reported, not merged. */
  private markNearDuplicate(r: MemoryRow, candidates: readonly { n: number; sim: number }[], now: number): boolean {
    const db = this.db;
    for (const c of candidates) {
      const other = this.memories.rows([c.n]).get(c.n);
      if (!other || other.deleted_at !== null || other.kind !== r.kind || other.n > r.n) continue;
      db.prepare('UPDATE memories SET near_duplicate_of = ? WHERE n = ?').run(other.id, r.n);
      db.prepare('INSERT INTO memory_audit (memory_id, at, action, changes) VALUES (?, ?, ?, ?)').run(r.id, now, 'near_duplicate', JSON.stringify({ of: other.id, similarity: c.sim }));
      return true;
    }
    return false;
  }

  /** Not the memories' fault (no model): they wait as pending, without using up retries. */
  requeue(rows: readonly MemoryRow[]): void {
    if (rows.length) this.db.prepare(`UPDATE memories SET embedding_status = 'pending', embedding_claim = NULL WHERE n IN (${rows.map((r) => r.n).join(',')})`).run();
  }

  fail(rows: readonly MemoryRow[], error: string, now: number): void {
    const set = this.db.prepare(
      "UPDATE memories SET embedding_status = 'failed', embedding_error = ?, embedding_attempts = embedding_attempts + 1, embedding_retry_at = ?, embedding_claim = NULL WHERE n = ?",
    );
    writeTx(this.db, () => rows.forEach((r) => set.run(error.slice(0, 500), now + BACKOFF_MS * 2 ** r.embedding_attempts, r.n)));
  }

  /** Failed memories get a fresh set of attempts. */
  retryFailed(): number {
    return this.db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_attempts = 0, embedding_retry_at = NULL, embedding_error = NULL WHERE embedding_status = 'failed' AND deleted_at IS NULL").run().changes;
  }

  /** Vectors of another model (or all) are dropped and embedded again. */
  queueReembed(model: string | null): number {
    const db = this.db;
    return writeTx(db, () => {
      const rows = db.prepare(`SELECT n FROM memories WHERE deleted_at IS NULL AND embedding_status = 'completed' ${model ? 'AND embedding_model IS NOT ?' : ''}`).pluck().all(...(model ? [model] : [])) as number[];
      const set = db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_attempts = 0, embedding_model = NULL, embedding_dim = NULL, near_duplicate_of = NULL WHERE n = ?");
      for (const n of rows) {
        this.memories.dropVector(n);
        set.run(n);
      }
      return rows.length;
    });
  }

  /** Embedded memories per model. */
  models(): { model: string; count: number }[] {
    return this.db.prepare("SELECT embedding_model AS model, COUNT(*) AS count FROM memories WHERE embedding_status = 'completed' AND deleted_at IS NULL GROUP BY 1").all() as { model: string; count: number }[];
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
