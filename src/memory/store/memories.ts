// Intent-named reads and writes of memories: with ./search.ts (what a search asks of the index and
// the vectors), all memory SQL. Every change is written to the audit trail in the same transaction;
// deleted memories never come back from list or search.
import type { Statement } from 'better-sqlite3';
import { ensureVec, type Db } from '../../db/open.js';
import { writeTx } from '../../db/tx.js';
import { isStoreBusy, MemError, NotFoundError, UsageError } from '../../errors.js';
import { forgetEventsMentioning, recordEvent } from '../../events/store.js';
import { contentHash, type MemoryInput } from '../input.js';
import { toMemory, type Memory, type MemoryRow } from '../model.js';
import { streamed } from '../../db/rows.js';
import { randomUuid } from '../../util/ids.js';
import { SearchStore, VECTOR_TABLES } from './search.js';

export interface AddResult {
  memory: Memory;
  created: boolean;
  duplicate_of: string | null;
}

export interface ListQuery {
  kind?: string;
  tag?: string;
  source?: string;
  scope?: string; // undefined: every scope
  status?: string;
  createdAfter?: number;
  createdBefore?: number;
  sort: 'created' | 'updated' | 'accessed';
  order: 'asc' | 'desc';
  page: number;
  perPage: number;
  cursor?: string;
}

export interface ListResult {
  data: Memory[];
  meta: { page: number; per_page: number; total: number; total_pages: number; next_cursor: string | null };
}

/** What a bundle keeps of a memory beyond its input fields. */
export interface ImportedMeta {
  id: string;
  scope: string;
  created_at: number;
  updated_at: number;
  accessed_at: number | null;
  deleted_at: number | null;
  reused_count: number;
}

export type EditChanges = Partial<Pick<MemoryInput, 'content' | 'title' | 'tags' | 'metadata'>>;

const SORT_COLUMN = { created: 'created_at', updated: 'updated_at', accessed: 'accessed_at' } as const;

export class MemoryStore {
  constructor(readonly db: Db) {}

  private searchStore?: SearchStore;
  /** Full-text and vector candidates (./search.ts). */
  get search(): SearchStore {
    return (this.searchStore ??= new SearchStore(this.db));
  }

  // Statements of the per-memory paths, prepared once per store: a bulk add runs them 10,000 times.
  private readonly statements = new Map<string, Statement<unknown[]>>();
  private prep(sql: string): Statement<unknown[]> {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private audit(memoryId: string, at: number, action: string, changes: Record<string, unknown> = {}): void {
    this.prep('INSERT INTO memory_audit (memory_id, at, action, changes) VALUES (?, ?, ?, ?)').run(memoryId, at, action, JSON.stringify(changes));
  }

  /** Identical content of the same kind in the same scope is not stored twice. Caller holds a transaction for many. */
  addOne(m: MemoryInput & { scope: string }, now: number): AddResult {
    const hash = contentHash(m.content);
    const existing = this.prep('SELECT * FROM memories WHERE content_hash = ? AND kind = ? AND scope = ? AND deleted_at IS NULL LIMIT 1').get(hash, m.kind, m.scope) as
      | MemoryRow
      | undefined;
    if (existing) return { memory: toMemory(existing), created: false, duplicate_of: existing.id };
    const id = randomUuid();
    const n = Number(
      this.prep(
        `INSERT INTO memories (id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, content_hash)
           VALUES (@id, @kind, @content, @title, @tags, @metadata, @source, @source_id, @scope, @success, @task_id, @language, @now, @now, @hash)`,
      ).run({ ...m, id, tags: JSON.stringify(m.tags), metadata: JSON.stringify(m.metadata), success: m.success === null ? null : m.success ? 1 : 0, now, hash }).lastInsertRowid,
    );
    this.setTags(n, m.tags);
    this.audit(id, now, 'create', { kind: m.kind, title: m.title, scope: m.scope, source: m.source });
    recordEvent(this.db, 'memory.stored', { id, kind: m.kind, title: m.title, scope: m.scope, source: m.source, task_id: m.task_id }, now);
    return { memory: toMemory(this.row(n)), created: true, duplicate_of: null };
  }

  add(items: (MemoryInput & { scope: string })[], now: number): AddResult[] {
    return writeTx(this.db, () => items.map((m) => this.addOne(m, now)));
  }

  /**
   * memory_tags is keyed (tag, n) with no index on n alone, so old tags are removed by key: a
   * `DELETE ... WHERE n = ?` scans the whole table, once per memory added (quadratic in bulk).
   */
  private setTags(n: number, tags: string[], previous: string[] = []): void {
    const del = this.prep('DELETE FROM memory_tags WHERE tag = ? AND n = ?');
    for (const t of previous) del.run(t, n);
    const ins = this.prep('INSERT OR IGNORE INTO memory_tags (tag, n) VALUES (?, ?)');
    for (const t of tags) ins.run(t, n);
  }

  row(n: number): MemoryRow {
    return this.prep('SELECT * FROM memories WHERE n = ?').get(n) as MemoryRow;
  }

  /** A full id, or a unique prefix of at least 6 characters, of a memory not deleted (unless asked). */
  resolve(idOrPrefix: string, opts: { includeDeleted?: boolean } = {}): MemoryRow {
    const key = idOrPrefix.trim().toLowerCase();
    if (key.length < 6) throw new UsageError(`memory id '${idOrPrefix}' is too short (give at least 6 characters)`);
    const rows = this.prep(`SELECT * FROM memories WHERE id >= ? AND id < ? ${opts.includeDeleted ? '' : 'AND deleted_at IS NULL'} LIMIT 2`).all(key, key + '\uffff') as MemoryRow[];
    if (rows.length === 0) throw new NotFoundError(`no memory '${idOrPrefix}'`);
    if (rows.length > 1 && rows[0]!.id !== key) throw new UsageError(`memory id '${idOrPrefix}' is ambiguous; give more characters`);
    return rows[0]!;
  }

  /**
   * One memory, read now: its accessed_at is written at once, or, given `defer`, handed over (by
   * row number) for a later batch (touchAll) and shown as already written.
   */
  show(idOrPrefix: string, now: number, defer?: (n: number) => void): Memory {
    const r = this.resolve(idOrPrefix);
    if (defer) {
      defer(r.n);
      return toMemory({ ...r, accessed_at: now });
    }
    const touched = bookkeeping(() => this.prep('UPDATE memories SET accessed_at = ? WHERE n = ?').run(now, r.n));
    return toMemory(touched ? { ...r, accessed_at: now } : r);
  }

  /** The accessed_at of many reads in one transaction (never moved back); false when the store was busy. */
  touchAll(touches: ReadonlyMap<number, number>): boolean {
    const s = this.prep('UPDATE memories SET accessed_at = ? WHERE n = ? AND (accessed_at IS NULL OR accessed_at < ?)');
    return bookkeeping(() => writeTx(this.db, () => touches.forEach((at, n) => s.run(at, n, at))));
  }

  list(q: ListQuery): ListResult {
    const where = ['m.deleted_at IS NULL'];
    const p: Record<string, unknown> = {};
    if (q.kind) {
      where.push('m.kind = @kind');
      p.kind = q.kind;
    }
    if (q.source) {
      where.push('m.source = @source');
      p.source = q.source;
    }
    if (q.scope !== undefined) {
      where.push('m.scope = @scope');
      p.scope = q.scope;
    }
    if (q.status) {
      where.push('m.embedding_status = @status');
      p.status = q.status;
    }
    if (q.createdAfter !== undefined) {
      where.push('m.created_at >= @after');
      p.after = q.createdAfter;
    }
    if (q.createdBefore !== undefined) {
      where.push('m.created_at < @before');
      p.before = q.createdBefore;
    }
    if (q.tag) {
      where.push('m.n IN (SELECT n FROM memory_tags WHERE tag = @tag)');
      p.tag = q.tag.toLowerCase();
    }
    const col = `COALESCE(m.${SORT_COLUMN[q.sort]}, 0)`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS c FROM memories m WHERE ${where.join(' AND ')}`).get(p) as { c: number }).c;
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const cmp = q.order === 'asc' ? '>' : '<';
    const pageWhere = [...where];
    let offset = (q.page - 1) * q.perPage;
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      pageWhere.push(`(${col} ${cmp} @cv OR (${col} = @cv AND m.n ${cmp} @cn))`);
      p.cv = c.v;
      p.cn = c.n;
      offset = 0;
    }
    const rows = this.db
      .prepare(`SELECT m.* FROM memories m WHERE ${pageWhere.join(' AND ')} ORDER BY ${col} ${dir}, m.n ${dir} LIMIT @limit OFFSET @offset`)
      .all({ ...p, limit: q.perPage + 1, offset }) as MemoryRow[];
    const more = rows.length > q.perPage;
    const page = rows.slice(0, q.perPage);
    const last = page[page.length - 1];
    const sortValue = (r: MemoryRow) => (q.sort === 'created' ? r.created_at : q.sort === 'updated' ? r.updated_at : (r.accessed_at ?? 0));
    return {
      data: page.map(toMemory),
      meta: {
        page: q.cursor ? 0 : q.page,
        per_page: q.perPage,
        total,
        total_pages: Math.ceil(total / q.perPage),
        next_cursor: more && last ? encodeCursor(sortValue(last), last.n) : null,
      },
    };
  }

  /** Changes only what is given; new content goes back to `pending` so it is embedded again. */
  edit(idOrPrefix: string, changes: EditChanges, now: number): Memory {
    return writeTx(this.db, () => {
      const r = this.resolve(idOrPrefix);
      const before = toMemory(r);
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      const sets: string[] = [];
      const p: Record<string, unknown> = { n: r.n, now };
      for (const key of ['content', 'title', 'tags', 'metadata'] as const) {
        const to = changes[key];
        if (to === undefined || JSON.stringify(to) === JSON.stringify(before[key])) continue;
        diff[key] = { from: before[key], to };
        sets.push(`${key} = @${key}`);
        p[key] = typeof to === 'string' ? to : JSON.stringify(to);
      }
      if (!sets.length) return before;
      if (changes.content !== undefined && diff.content) {
        sets.push("content_hash = @hash, embedding_status = 'pending', embedding_model = NULL, embedding_dim = NULL, embedding_error = NULL, embedding_attempts = 0, embedding_retry_at = NULL, near_duplicate_of = NULL");
        p.hash = contentHash(changes.content);
        this.dropVector(r.n);
      }
      this.db.prepare(`UPDATE memories SET ${sets.join(', ')}, updated_at = @now WHERE n = @n`).run(p);
      if (diff.tags) this.setTags(r.n, changes.tags!, before.tags);
      this.audit(r.id, now, 'edit', diff);
      return toMemory(this.row(r.n));
    });
  }

  remove(idOrPrefix: string, now: number, purge: boolean): Memory {
    return writeTx(this.db, () => {
      const r = this.resolve(idOrPrefix, { includeDeleted: purge });
      this.dropVector(r.n);
      if (purge) {
        // Gone for good, its earlier versions too: the audit trail keeps only that it was purged.
        this.db.prepare('DELETE FROM memories WHERE n = ?').run(r.n);
        this.db.prepare('DELETE FROM memory_audit WHERE memory_id = ?').run(r.id);
        forgetEventsMentioning(this.db, [r.id]);
      } else this.db.prepare('UPDATE memories SET deleted_at = ?, updated_at = ? WHERE n = ?').run(now, now, r.n);
      this.audit(r.id, now, purge ? 'purge' : 'delete');
      return toMemory({ ...r, deleted_at: purge ? r.deleted_at : now });
    });
  }

  /** A failed embedding gets a fresh set of attempts (`pending` again); anything else is a conflict. */
  retryEmbedding(idOrPrefix: string, now: number): Memory {
    return writeTx(this.db, () => {
      const r = this.resolve(idOrPrefix);
      if (r.embedding_status !== 'failed') throw new MemError(`memory ${r.id} is ${r.embedding_status}, not failed: nothing to retry`, 1, 'conflict');
      this.db.prepare("UPDATE memories SET embedding_status = 'pending', embedding_attempts = 0, embedding_retry_at = NULL, embedding_error = NULL WHERE n = ?").run(r.n);
      this.audit(r.id, now, 'retry_embedding', { error: r.embedding_error });
      return toMemory(this.row(r.n));
    });
  }

  /** The memory that describes a task: the one with this id, else the newest with this task_id (a `task` first). */
  taskMemory(taskId: string): Memory {
    const r = this.prep(
      `SELECT * FROM memories WHERE deleted_at IS NULL AND (id = @t OR task_id = @t)
       ORDER BY id = @t DESC, kind = 'task' DESC, created_at DESC, n DESC LIMIT 1`,
    ).get({ t: taskId }) as MemoryRow | undefined;
    if (!r) throw new NotFoundError(`no task '${taskId}' (no memory with that id or task_id)`);
    return toMemory(r);
  }

  log(idOrPrefix: string): { at: string; action: string; changes: Record<string, unknown> }[] {
    const r = this.resolve(idOrPrefix, { includeDeleted: true });
    return (this.db.prepare('SELECT at, action, changes FROM memory_audit WHERE memory_id = ? ORDER BY id').all(r.id) as { at: number; action: string; changes: string }[]).map((e) => ({
      at: new Date(e.at).toISOString(),
      action: e.action,
      changes: JSON.parse(e.changes) as Record<string, unknown>,
    }));
  }

  dropVector(n: number): void {
    ensureVec(this.db);
    for (const table of Object.values(VECTOR_TABLES)) this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(BigInt(n));
  }

  rows(ns: number[]): Map<number, MemoryRow> {
    if (!ns.length) return new Map();
    const rows = this.db.prepare(`SELECT * FROM memories WHERE n IN (${ns.map(() => '?').join(',')})`).all(...ns) as MemoryRow[];
    return new Map(rows.map((r) => [r.n, r]));
  }

  /** `waitMs`: how long the count may wait for a busy store (the busy timeout unless given) before it is skipped. */
  markReused(ns: number[], now: number, o: { waitMs?: number } = {}): void {
    const s = this.db.prepare('UPDATE memories SET reused_count = reused_count + 1, accessed_at = ? WHERE n = ?');
    bookkeeping(() => writeTx(this.db, () => ns.forEach((n) => s.run(now, n)), o));
  }

  /** Memories of these kinds in a scope with a known outcome, newest first. */
  withOutcome(scope: string, kinds: readonly string[], limit: number): { id: string; title: string; content: string; success: boolean }[] {
    const rows = this.db
      .prepare(
        `SELECT id, title, content, success FROM memories WHERE scope = ? AND kind IN (${kinds.map(() => '?').join(',')})
         AND deleted_at IS NULL AND success IS NOT NULL ORDER BY created_at DESC, n DESC LIMIT ?`,
      )
      .all(scope, ...kinds, limit) as { id: string; title: string; content: string; success: number }[];
    return rows.map((r) => ({ ...r, success: r.success === 1 }));
  }

  /** Memories deleted (`mem rm`) before the cut-off: counted, or purged for good with their vectors and audit. */
  purgeDeletedBefore(cutoffMs: number, dryRun: boolean, now: number): number {
    const select = () => this.db.prepare('SELECT n, id FROM memories WHERE deleted_at IS NOT NULL AND deleted_at < ?').all(cutoffMs) as { n: number; id: string }[];
    if (dryRun) return select().length;
    // Selected inside the transaction: a concurrent purge may have removed some since.
    return writeTx(this.db, () => {
      const rows = select();
      for (const r of rows) {
        this.dropVector(r.n);
        this.db.prepare('DELETE FROM memories WHERE n = ?').run(r.n);
        this.db.prepare('DELETE FROM memory_audit WHERE memory_id = ?').run(r.id);
        forgetEventsMentioning(this.db, [r.id]);
        this.audit(r.id, now, 'purge');
      }
      return rows.length;
    });
  }

  /** Every memory as the bundle carries it (no vectors: an import embeds again), streamed. */
  exportRows(): Iterable<Record<string, unknown>> {
    const sql =
      'SELECT id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, accessed_at, deleted_at, reused_count FROM memories ORDER BY n';
    return streamed(() => this.db.prepare(sql).iterate() as Iterator<Record<string, unknown>>);
  }

  exportAudit(): Iterable<Record<string, unknown>> {
    return streamed(() => this.db.prepare('SELECT memory_id, at, action, changes FROM memory_audit ORDER BY id').iterate() as Iterator<Record<string, unknown>>);
  }

  /**
   * Inserts memories from a bundle, keeping their ids; those already present are skipped, and
   * the audit entries of the new ones come along. Caller holds the transaction. Returns the count added.
   */
  importRows(memories: readonly (MemoryInput & ImportedMeta)[], audit: readonly { memory_id: string; at: number; action: string; changes: unknown }[], now: number): number {
    const ins = this.prep(
      `INSERT INTO memories (id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, accessed_at, deleted_at, reused_count, content_hash)
       VALUES (@id, @kind, @content, @title, @tags, @metadata, @source, @source_id, @scope, @success, @task_id, @language, @created_at, @updated_at, @accessed_at, @deleted_at, @reused_count, @hash)
       ON CONFLICT (id) DO NOTHING`,
    );
    const fresh = new Set<string>();
    for (const m of memories) {
      const r = ins.run({
        ...m,
        tags: JSON.stringify(m.tags),
        metadata: JSON.stringify(m.metadata),
        success: m.success === null ? null : m.success ? 1 : 0,
        hash: contentHash(m.content),
      });
      if (!r.changes) continue;
      fresh.add(m.id);
      this.setTags(Number(r.lastInsertRowid), m.tags);
    }
    for (const a of audit) if (fresh.has(a.memory_id)) this.audit(a.memory_id, a.at, a.action, (a.changes ?? {}) as Record<string, unknown>);
    for (const id of fresh) this.audit(id, now, 'import');
    return fresh.size;
  }

  /**
   * A memory's content as another store last wrote it (team sync, newest clock already decided):
   * inserted with the deleted state given, or its content replaced. New content is embedded again.
   * Caller holds the transaction.
   */
  putSynced(m: MemoryInput & ImportedMeta): void {
    const hash = contentHash(m.content);
    const cur = this.prep('SELECT n, tags, content_hash FROM memories WHERE id = ?').get(m.id) as { n: number; tags: string; content_hash: string } | undefined;
    const p = { ...m, tags: JSON.stringify(m.tags), metadata: JSON.stringify(m.metadata), success: m.success === null ? null : m.success ? 1 : 0, hash };
    if (!cur) {
      const n = Number(
        this.prep(
          `INSERT INTO memories (id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, deleted_at, content_hash)
           VALUES (@id, @kind, @content, @title, @tags, @metadata, @source, @source_id, @scope, @success, @task_id, @language, @created_at, @updated_at, @deleted_at, @hash)`,
        ).run(p).lastInsertRowid,
      );
      this.setTags(n, m.tags);
      return;
    }
    const changed = cur.content_hash !== hash;
    this.prep(
      `UPDATE memories SET kind = @kind, content = @content, title = @title, tags = @tags, metadata = @metadata, source = @source, source_id = @source_id,
         scope = @scope, success = @success, task_id = @task_id, language = @language, created_at = @created_at, updated_at = @updated_at, content_hash = @hash
       WHERE id = @id`,
    ).run(p);
    if (changed) {
      this.prep("UPDATE memories SET embedding_status = 'pending', embedding_model = NULL, embedding_dim = NULL, embedding_error = NULL, embedding_attempts = 0, embedding_retry_at = NULL, near_duplicate_of = NULL WHERE n = ?").run(cur.n);
      this.dropVector(cur.n);
    }
    this.setTags(cur.n, m.tags, JSON.parse(cur.tags) as string[]);
  }

  /** Deleted (`mem rm`) or restored by another store (team sync). Caller holds the transaction. */
  setDeletedSynced(id: string, deletedAt: number | null): void {
    const cur = this.prep('SELECT n, deleted_at FROM memories WHERE id = ?').get(id) as { n: number; deleted_at: number | null } | undefined;
    if (!cur || cur.deleted_at === deletedAt) return;
    this.prep('UPDATE memories SET deleted_at = ? WHERE n = ?').run(deletedAt, cur.n);
    if (deletedAt !== null) this.dropVector(cur.n);
    else this.prep("UPDATE memories SET embedding_status = 'pending' WHERE n = ? AND embedding_status = 'completed'").run(cur.n);
  }

  /** Purged by another store (team sync): gone with its vectors and audit trail. Caller holds the transaction. */
  purgeSynced(id: string): boolean {
    const cur = this.prep('SELECT n FROM memories WHERE id = ?').get(id) as { n: number } | undefined;
    this.prep('DELETE FROM memory_audit WHERE memory_id = ?').run(id);
    if (!cur) return false;
    this.dropVector(cur.n);
    this.prep('DELETE FROM memories WHERE n = ?').run(cur.n);
    return true;
  }

  /** An audit entry another store wrote (team sync), unless already here. Caller holds the transaction. */
  auditSynced(a: { memory_id: string; at: number; action: string; changes: unknown }): boolean {
    const have = this.prep('SELECT 1 FROM memory_audit WHERE memory_id = ? AND at = ? AND action = ?').get(a.memory_id, a.at, a.action);
    if (have) return false;
    this.audit(a.memory_id, a.at, a.action, (a.changes ?? {}) as Record<string, unknown>);
    return true;
  }

  /** One memory as the bundle carries it (team sync pushes it). */
  exportRow(id: string): Record<string, unknown> | undefined {
    const r = this.prep(
      'SELECT id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, accessed_at, deleted_at, reused_count FROM memories WHERE id = ?',
    ).get(id) as Record<string, unknown> | undefined;
    return r;
  }

  /** One audit entry as the bundle carries it. */
  exportAuditEntry(memoryId: string, at: number, action: string): Record<string, unknown> | undefined {
    return this.prep('SELECT memory_id, at, action, changes FROM memory_audit WHERE memory_id = ? AND at = ? AND action = ? ORDER BY id LIMIT 1').get(memoryId, at, action) as
      | Record<string, unknown>
      | undefined;
  }

  statusCounts(): Record<string, number> {
    const out: Record<string, number> = { pending: 0, processing: 0, completed: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT embedding_status AS s, COUNT(*) AS c FROM memories WHERE deleted_at IS NULL GROUP BY s').all() as { s: string; c: number }[]) out[r.s] = r.c;
    return out;
  }
}

/**
 * The bookkeeping of a read (access times, reuse counts): skipped rather than failing the read when
 * another process keeps the store locked past the busy timeout. Returns whether it was done.
 */
function bookkeeping(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (err) {
    if (isStoreBusy(err)) return false;
    throw err;
  }
}

function encodeCursor(v: number, n: number): string {
  return Buffer.from(JSON.stringify([v, n])).toString('base64url');
}

function decodeCursor(c: string): { v: number; n: number } {
  try {
    const [v, n] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [number, number];
    if (typeof v === 'number' && typeof n === 'number') return { v, n };
  } catch {
    // fall through
  }
  throw new UsageError('invalid --cursor (use the next_cursor of a previous page)');
}
