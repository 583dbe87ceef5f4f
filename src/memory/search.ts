// Hybrid retrieval: FTS5 BM25 and sqlite-vec cosine similarity, each normalised to 0..1 over the
// candidates, the vector side cut at a threshold before fusion, then combined into one score.
// Without a model, keyword ranking alone answers (and says so once).
import type { Embedder } from './embed/index.js';
import { toMemory, type Memory } from './model.js';
import { MemoryStore, type SearchFilter } from './store/memories.js';
import { ftsAny, snippet, words } from './text.js';

export type SearchMode = 'hybrid' | 'semantic' | 'keyword';

export interface SearchHit {
  id: string;
  score: number;
  keyword_score: number;
  semantic_score: number;
  kind: string;
  title: string;
  snippet: string;
  memory: Memory;
}

export interface SearchResult {
  mode: SearchMode;
  results: SearchHit[];
  /** Why the ranking is not what was asked for (no model: keywords only). */
  notice: string | null;
  /** The notice was already given (a remembered failure): front ends need not repeat it to people. */
  notice_said?: boolean;
}

export interface SearchOptions {
  query: string;
  /** An FTS5 query to use instead of the words of `query` (recall-error expands synonyms). */
  match?: string | null;
  filter: SearchFilter;
  topK: number;
  threshold: number;
  mode: SearchMode;
  /** Weight of the semantic side in hybrid mode. */
  alpha?: number;
}

const CANDIDATES = 50;

export async function search(store: MemoryStore, embedder: Embedder | null, o: SearchOptions, unavailable: string | null = null): Promise<SearchResult> {
  let mode = o.mode;
  let notice: string | null = null;
  if (mode !== 'keyword' && !embedder) {
    notice = `semantic ranking unavailable (${unavailable ?? 'embedding provider is none'}); keyword results only`;
    mode = 'keyword';
  }
  const kw = new Map<number, number>();
  if (mode !== 'semantic') {
    const match = o.match === undefined ? ftsAny(words(o.query)) : o.match;
    if (match) {
      const rows = store.keyword(match, o.filter, CANDIDATES, o.topK);
      const max = Math.max(0, ...rows.map((r) => r.bm25));
      for (const r of rows) kw.set(r.n, max > 0 ? r.bm25 / max : 0);
    }
  }
  const sem = new Map<number, number>();
  if (mode !== 'keyword' && embedder) {
    const [v] = await embedder.embed([o.query]);
    for (const r of store.nearest(v!, embedder.model, o.filter, CANDIDATES)) if (r.similarity >= o.threshold) sem.set(r.n, r.similarity);
  }
  const alpha = mode === 'hybrid' ? (o.alpha ?? 0.6) : mode === 'semantic' ? 1 : 0;
  const ids = new Set([...kw.keys(), ...sem.keys()]);
  const scored = [...ids]
    .map((n) => ({ n, k: kw.get(n) ?? 0, s: sem.get(n) ?? 0 }))
    .map((x) => ({ ...x, score: alpha * x.s + (1 - alpha) * x.k }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.n - b.n)
    .slice(0, o.topK);
  const rows = store.rows(scored.map((x) => x.n));
  const results = scored.map((x) => {
    const m = toMemory(rows.get(x.n)!);
    return { id: m.id, score: round(x.score), keyword_score: round(x.k), semantic_score: round(x.s), kind: m.kind, title: m.title, snippet: snippet(m.content, o.query), memory: m };
  });
  return { mode, results, notice };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
