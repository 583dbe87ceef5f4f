// The memory store's search side: full-text candidates with their BM25 (FTS5), what BM25's
// reference is made of, and nearest vectors (sqlite-vec), each filtered as a search asks. Rows
// and everything else about memories are in ./memories.ts.
import type { Statement } from 'better-sqlite3';
import { ensureVec, type Db } from '../../db/open.js';
import type { Outcome } from '../../util/outcome.js';

export const VECTOR_TABLES: Record<number, string> = { 384: 'memory_vec_384', 1536: 'memory_vec_1536' };

export interface SearchFilter {
  scope?: string; // undefined: every scope
  kind?: string;
  /** Any of these kinds (recall-error: errors and solutions, ranked together). */
  kinds?: string[];
  tag?: string;
  /** Only memories of tasks or experiences that came to this. */
  outcome?: Outcome;
}

export class SearchStore {
  constructor(readonly db: Db) {}

  private readonly statements = new Map<string, Statement<unknown[]>>();
  private prep(sql: string): Statement<unknown[]> {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private filterSql(f: SearchFilter, p: Record<string, unknown>): string {
    const where = ['m.deleted_at IS NULL'];
    if (f.scope !== undefined) {
      where.push('m.scope = @scope');
      p.scope = f.scope;
    }
    if (f.kind) {
      where.push('m.kind = @kind');
      p.kind = f.kind;
    }
    if (f.kinds?.length) {
      where.push(`m.kind IN (${f.kinds.map((_, i) => `@kind${i}`).join(', ')})`);
      f.kinds.forEach((k, i) => (p[`kind${i}`] = k));
    }
    if (f.tag) {
      where.push('m.n IN (SELECT n FROM memory_tags WHERE tag = @tag)');
      p.tag = f.tag.toLowerCase();
    }
    if (f.outcome) where.push(f.outcome === 'success' ? 'm.success = 1' : 'm.success = 0');
    return where.join(' AND ');
  }

  /**
   * FTS5 candidates with their BM25 score (higher is better). `match` is an FTS5 query of terms
   * joined by OR. Ranking every document that has any term is what costs (tens of ms over 100k
   * memories for common words), and BM25 scores a document the same whatever the operator, so the
   * cheap questions come first: documents with every term; then the best 500 (then 5,000)
   * documents with any term; only if those still leave fewer than `need` results, all of them.
   */
  keyword(match: string, f: SearchFilter, limit: number, need = limit): { n: number; bm25: number }[] {
    const p: Record<string, unknown> = { limit };
    const where = this.filterSql(f, p);
    const full = (m: string) =>
      this.prep(
        `SELECT m.n AS n, -bm25(memories_fts, 3.0, 1.0, 2.0) AS bm25 FROM memories_fts CROSS JOIN memories m ON m.n = memories_fts.rowid
         WHERE memories_fts MATCH @match AND ${where} ORDER BY bm25(memories_fts, 3.0, 1.0, 2.0) LIMIT @limit`,
      ).all({ ...p, match: m }) as { n: number; bm25: number }[];
    // No memory passes the filters (a scope with no memories yet, a kind never used): nothing to
    // rank. Answered by the filters' indexes, where ranking first would rank every match, in vain,
    // at each depth below.
    const { limit: _, ...filters } = p;
    if (!this.prep(`SELECT 1 FROM memories m WHERE ${where} LIMIT 1`).get(filters)) return [];
    if (match.includes(' OR ')) {
      const all = full(match.split(' OR ').join(' AND '));
      if (all.length >= need) return all;
    }
    // Ranked inside the index before any memory is read: the join reads the row of every document
    // it ranks (one common word, "stack", ranked through the join took over a second on 100k
    // memories with a cold cache; ranked first, ~15 ms). A filter that leaves too few of the best
    // 500 (a rare kind) widens the net before everything is ranked through the join. CROSS JOIN
    // keeps SQLite from starting with the memories of an indexed filter instead (a scope holding
    // all 100k, each looked up among the ranked: 300 ms instead of 3).
    for (const depth of [500, 5000]) {
      const best = this.prep(
        `SELECT m.n AS n, -f.s AS bm25 FROM (SELECT rowid, bm25(memories_fts, 3.0, 1.0, 2.0) AS s FROM memories_fts
           WHERE memories_fts MATCH @match ORDER BY s LIMIT ${depth}) f CROSS JOIN memories m ON m.n = f.rowid
         WHERE ${where} ORDER BY f.s LIMIT @limit`,
      ).all({ ...p, match }) as { n: number; bm25: number }[];
      if (best.length >= need) return best;
    }
    return full(match);
  }

  /**
   * What BM25's inverse document frequencies are made of, for the terms of a keyword query: the
   * rows of the full-text index, and for each term the rows holding it. The index stems words
   * (porter), so each term is tokenised by the same tokenizer in a private temp table first and
   * looked up in the index's vocabulary. A term that splits into several tokens gets the count of
   * its rarest token (an upper bound of the rows holding the phrase).
   */
  termDocs(terms: readonly string[]): { rows: number; docs: number[] } {
    const rows = this.indexedRows();
    if (!terms.length) return { rows, docs: [] };
    // The counts stay right while the full-text index is as it was: its structure record (id 10
    // of memories_fts_data) is rewritten by every change to the index, and by nothing else (a
    // reuse count, a shell command). A server asked the same words again and again (an agent's
    // searches) answers them from here (~1 ms a search on 100k memories). Not inside a write
    // transaction, whose changes may yet be rolled back.
    const key = this.db.inTransaction ? null : (this.prep('SELECT block FROM memories_fts_data WHERE id = 10').pluck().get() as Buffer | undefined)?.toString('base64') ?? null;
    if (!key || this.vocab?.key !== key || this.vocab.docs.size > 10_000) this.vocab = key ? { key, docs: new Map() } : null;
    const known = this.vocab?.docs ?? new Map<string, number>();
    const missing = [...new Set(terms.filter((t) => !known.has(t)))];
    if (missing.length) {
      if (!this.prep("SELECT 1 FROM temp.sqlite_master WHERE name = 'mem_query_terms'").get()) {
        this.db.exec(`CREATE VIRTUAL TABLE temp.mem_query_terms USING fts5(t, tokenize = 'porter unicode61');
          CREATE VIRTUAL TABLE temp.mem_query_tokens USING fts5vocab(temp, mem_query_terms, 'instance');
          CREATE VIRTUAL TABLE temp.mem_vocab USING fts5vocab(main, memories_fts, 'row');`);
      }
      const tokens = new Map<number, string[]>();
      const ins = this.prep('INSERT INTO temp.mem_query_terms (rowid, t) VALUES (?, ?)');
      this.prep('DELETE FROM temp.mem_query_terms').run();
      missing.forEach((t, i) => ins.run(i + 1, t));
      for (const r of this.prep('SELECT doc, term FROM temp.mem_query_tokens').all() as { doc: number; term: string }[]) {
        const list = tokens.get(r.doc - 1) ?? [];
        list.push(r.term);
        tokens.set(r.doc - 1, list);
      }
      this.prep('DELETE FROM temp.mem_query_terms').run();
      const doc = this.prep('SELECT doc FROM temp.mem_vocab WHERE term = ?').pluck();
      missing.forEach((t, i) => {
        const ts = tokens.get(i) ?? [];
        known.set(t, ts.length ? Math.min(...ts.map((x) => (doc.get(x) as number | undefined) ?? 0)) : 0);
      });
    }
    return { rows, docs: terms.map((t) => known.get(t)!) };
  }

  /** Rows holding each term, while the full-text index's structure is `key` (see termDocs). */
  private vocab: { key: string; docs: Map<string, number> } | null = null;

  /**
   * The rows of the full-text index, as FTS5 itself counts them for BM25: the first varint of its
   * "averages" record (id 1 of memories_fts_data), read in microseconds where `count(*)` scans
   * the table (~6 ms on 100k memories, on every search). Falls back to the scan if the record is
   * not there or not readable.
   */
  indexedRows(): number {
    const block = this.prep('SELECT block FROM memories_fts_data WHERE id = 1').pluck().get() as Buffer | undefined;
    const n = block ? readVarint(block) : undefined;
    return n ?? (this.prep('SELECT count(*) FROM memories').pluck().get() as number);
  }

  /** Nearest vectors of one model (cosine similarity), filtered after the KNN within the scope partition. */
  nearest(vector: Float32Array, model: string, f: SearchFilter, limit: number): { n: number; similarity: number }[] {
    ensureVec(this.db);
    const table = VECTOR_TABLES[vector.length];
    if (!table) return [];
    const p: Record<string, unknown> = { v: vector, k: Math.min(4096, limit * 4), model };
    const scope = f.scope !== undefined ? 'AND scope = @vscope' : '';
    if (f.scope !== undefined) p.vscope = f.scope;
    const knn = `SELECT rowid, distance FROM ${table} WHERE embedding MATCH @v AND k = @k AND model = @model ${scope}`;
    const rows = this.db
      .prepare(`SELECT m.n AS n, 1 - v.distance AS similarity FROM (${knn}) v JOIN memories m ON m.n = v.rowid WHERE ${this.filterSql(f, p)} ORDER BY v.distance LIMIT @limit`)
      .all({ ...p, limit }) as { n: number; similarity: number }[];
    return rows;
  }
}

/** An SQLite varint (big-endian, 7 bits a byte, the ninth byte whole) at the start of `buf`. */
function readVarint(buf: Buffer): number | undefined {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    const c = buf[i];
    if (c === undefined) return undefined;
    if (i === 8) return v * 256 + c;
    v = v * 128 + (c & 0x7f);
    if (!(c & 0x80)) return v;
  }
  return undefined;
}
