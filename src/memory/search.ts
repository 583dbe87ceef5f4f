// Hybrid retrieval: FTS5 BM25 and sqlite-vec cosine similarity, fused into one score. Scores are
// absolute, comparable across queries (a weak best match scores low), so a caller can ignore weak
// matches with one threshold:
//  - semantic side: the raw cosine similarity of the query's and the memory's vectors (0..1),
//    cut at a threshold before fusion;
//  - keyword side: the memory's BM25 divided by the BM25 of a reference memory for this query
//    (every word of the query, or one of its alternatives, once, in a text of average length:
//    the sum of the words' inverse document frequencies), then mapped onto 0..1 by the fixed
//    curve 1 - exp(-2r): r = 1 (the reference) scores 0.86, r = 0.5 (about half of the query's
//    weight) 0.63, r = 0.25 0.39; a score that rounds to 0 is no match;
//  - hybrid: 0.6 semantic + 0.4 keyword.
// Without a model, keyword ranking alone answers (and says so once).
import type { Embedder } from './embed/index.js';
import { toMemory, type Memory } from './model.js';
import type { MemoryStore } from './store/memories.js';
import type { SearchFilter } from './store/search.js';
import { ftsAny, queryTerms, snippet, words } from './text.js';

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
  /** The offset of the next page of results, or null when this page is the last. */
  next_offset: number | null;
}

export interface SearchOptions {
  query: string;
  /**
   * The keyword terms to use instead of the words of `query`, as groups of alternatives (a word
   * and its synonyms: recall-error); a memory holding one term of each group is a full match.
   */
  terms?: string[][];
  filter: SearchFilter;
  topK: number;
  /** Results to skip (a later page: the ranking is the same for the same query and store). */
  offset?: number;
  /** Results scoring below this (0..1) are left out. */
  minScore?: number;
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
  const offset = o.offset ?? 0;
  const depth = offset + o.topK;
  const candidates = Math.max(CANDIDATES, depth + 1);
  const kw = new Map<number, number>();
  if (mode !== 'semantic') {
    const groups = o.terms ?? words(o.query).map((w) => [w]);
    const terms = queryTerms(groups);
    const held = terms.length ? store.search.termDocs(terms) : { rows: 0, docs: [] };
    // A term no memory holds adds nothing to any memory's BM25: leaving it out of the query ranks
    // the same, and lets "memories with every term" find those with every term the store knows.
    const match = ftsAny(terms.filter((_, i) => held.docs[i]! > 0));
    const reference = referenceBm25(held, groups, terms);
    // Only keyword scores count and a minimum is asked for: when even a memory holding every known
    // term as often as BM25 can reward would miss it, no query is worth running. (Common words
    // alone, against an error's rare ones no memory holds: ranking every memory with "error" costs
    // ~100 ms on 100k memories, to find nothing.)
    const hopeless = mode === 'keyword' && (o.minScore ?? 0) > 0 && round(keywordScore(bestBm25(held, terms), reference)) < o.minScore!;
    if (match && !hopeless) {
      // Keywords alone need the page (and one more, to know there is a next); blended with
      // meaning, every candidate's keyword score counts, so no early answer with fewer.
      const rows = store.search.keyword(match, o.filter, candidates, mode === 'keyword' ? depth + 1 : candidates);
      for (const r of rows) kw.set(r.n, keywordScore(r.bm25, reference));
    }
  }
  const sem = new Map<number, number>();
  if (mode !== 'keyword' && embedder) {
    const [v] = await embedder.embed([o.query]);
    for (const r of store.search.nearest(v!, embedder.model, o.filter, candidates)) if (r.similarity >= o.threshold) sem.set(r.n, r.similarity);
  }
  const alpha = mode === 'hybrid' ? (o.alpha ?? 0.6) : mode === 'semantic' ? 1 : 0;
  const ids = new Set([...kw.keys(), ...sem.keys()]);
  const ranked = [...ids]
    .map((n) => ({ n, k: kw.get(n) ?? 0, s: sem.get(n) ?? 0 }))
    .map((x) => ({ ...x, score: alpha * x.s + (1 - alpha) * x.k }))
    .filter((x) => round(x.score) > 0 && round(x.score) >= (o.minScore ?? 0))
    .sort((a, b) => b.score - a.score || a.n - b.n);
  const scored = ranked.slice(offset, depth);
  const rows = store.rows(scored.map((x) => x.n));
  const results = scored.map((x) => {
    const m = toMemory(rows.get(x.n)!);
    return { id: m.id, score: round(x.score), keyword_score: round(x.k), semantic_score: round(x.s), kind: m.kind, title: m.title, snippet: snippet(m.content, o.query), memory: m };
  });
  return { mode, results, notice, next_offset: ranked.length > depth ? depth : null };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * The BM25 of a memory holding, once, in a text of average length, the most telling term of each
 * group that the store holds at all (a word's synonyms that no memory uses raise no bar), or the
 * group's own word when the store holds none of them (what was asked for is missing, and the
 * scores say so). At tf = 1 and average length BM25's term-frequency factor is 1 (k1 = 1.2,
 * b = 0.75), so this is a sum of inverse document frequencies, computed as FTS5 computes them.
 */
export function referenceBm25(held: { rows: number; docs: number[] }, groups: readonly (readonly string[])[], terms: readonly string[]): number {
  const { rows, docs } = held;
  const stats = new Map(terms.map((t, i) => [t, { held: docs[i]! > 0, idf: Math.max(1e-6, Math.log((rows - docs[i]! + 0.5) / (docs[i]! + 0.5))) }]));
  let sum = 0;
  for (const g of groups) {
    const known = g.map((t) => stats.get(t)).filter((x) => x !== undefined);
    if (!known.length) continue; // beyond the 64 terms a query keeps
    const held = known.filter((x) => x.held);
    sum += held.length ? Math.max(...held.map((x) => x.idf)) : known[0]!.idf;
  }
  return sum;
}

/**
 * No memory's BM25 for these terms can exceed this: FTS5's term-frequency factor tends to k1 + 1
 * (2.2) however often a term occurs (column weights raise the frequency, not the limit), times
 * the term's inverse document frequency. That is exact for a one-token term; a term of several
 * tokens (a phrase) may be held by fewer rows than its rarest token, so it is taken at its largest.
 */
export function bestBm25(held: { rows: number; docs: number[] }, terms: readonly string[]): number {
  const idf = (hits: number) => Math.max(1e-6, Math.log((held.rows - hits + 0.5) / (hits + 0.5)));
  let sum = 0;
  terms.forEach((t, i) => {
    const docs = held.docs[i]!;
    if (docs > 0) sum += 2.2 * idf(/^[\p{L}\p{N}]+$/u.test(t) ? docs : 1);
  });
  return sum;
}

/** A BM25 score on the absolute 0..1 scale: relative to the reference, through a fixed curve. */
export function keywordScore(bm25: number, reference: number): number {
  if (!(bm25 > 0) || !(reference > 0)) return 0;
  return 1 - Math.exp(-2 * (bm25 / reference));
}
