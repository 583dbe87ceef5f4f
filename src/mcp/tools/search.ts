// Searching memories over MCP: a small index first (ids, titles, snippets, absolute scores), paged
// by a cursor; memory_get gives whole memories.
import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { SearchResult } from '../../memory/api.js';
import { KINDS } from '../../memory/model.js';
import { ANSWER_BYTES, fitItems, jsonBytes, shrink } from '../budget.js';
import { cursorArg, hit, required, scopeArgs, searchAnswer } from '../schemas.js';
import { tool, type Tool } from '../tool.js';

const searchArgs = {
  ...scopeArgs,
  top_k: z.number().int().min(1).max(50).optional().describe('results per page (default 5)'),
  min_score: z.number().min(0).max(1).optional().describe('leave out results scoring below this (0..1)'),
  cursor: cursorArg,
};

/** A ranked list pages by offset: the same query on the same store ranks the same way. */
const encodeOffset = (n: number) => Buffer.from(`s1:${n}`).toString('base64url');
function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^s1:(\d{1,3})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new InputError('is not a cursor this search returned', undefined, 'cursor');
  return Number(m[1]);
}

type Hit = z.input<typeof hit>;

function searchPage(r: SearchResult, offset: number): z.input<typeof searchAnswer> {
  const hits: Hit[] = r.results.map((h) => ({
    id: h.id,
    score: h.score,
    keyword_score: h.keyword_score,
    semantic_score: h.semantic_score,
    kind: h.kind,
    title: h.title,
    snippet: h.snippet,
    tags: h.memory.tags,
    success: h.memory.success,
    created_at: h.memory.created_at,
  }));
  const base = { mode: r.mode, notice: r.notice, results: [], next_cursor: encodeOffset(9999) };
  const fit = fitItems(hits, ANSWER_BYTES - jsonBytes(base) - 40, true);
  const next = fit.cut ? offset + fit.items.length : r.next_offset;
  return shrink({ mode: r.mode, notice: r.notice, results: fit.items, next_cursor: next === null ? null : encodeOffset(next), ...(fit.cut ? { truncated: true } : {}) });
}

const memorySearch = tool({
  name: 'memory_search',
  title: 'Search memories',
  description:
    'Find notes, solutions, errors, decisions and past experiences by meaning and keywords. Returns ids, titles, snippets and absolute scores (0..1; below ~0.3 is a weak match); call memory_get for whole memories.',
  effect: 'read',
  input: z.strictObject({
    query: required(2000).describe('what to look for, in words'),
    kind: z.enum(KINDS).optional(),
    tag: required(100).optional(),
    success_only: z.boolean().optional().describe('only memories of things that worked'),
    mode: z.enum(['hybrid', 'semantic', 'keyword']).optional().describe('default hybrid'),
    ...searchArgs,
  }),
  output: searchAnswer,
  async run(a, { mem }) {
    const offset = decodeOffset(a.cursor);
    const r = await mem.memories.search(a.query, {
      kind: a.kind,
      tag: a.tag,
      successOnly: a.success_only,
      mode: a.mode,
      scope: a.scope,
      allScopes: a.all_scopes,
      topK: a.top_k,
      minScore: a.min_score,
      offset,
    });
    return searchPage(r, offset);
  },
});

const recallError = tool({
  name: 'recall_error',
  title: 'Recall how an error was fixed',
  description:
    'Past errors like this message and how they were resolved (error and solution memories ranked together; paths, numbers and quotes in the message do not matter, usual synonyms are expanded). Call it when a command fails.',
  effect: 'read',
  input: z.strictObject({
    message: required(10_000).describe('the error message, as printed'),
    kind: z.enum(['error', 'solution']).optional().describe('only this kind (default both)'),
    ...searchArgs,
  }),
  output: searchAnswer,
  async run(a, { mem }) {
    const offset = decodeOffset(a.cursor);
    const r = await mem.memories.recallError(a.message, { kind: a.kind, scope: a.scope, allScopes: a.all_scopes, topK: a.top_k, minScore: a.min_score, offset });
    return searchPage(r, offset);
  },
});

export const searchTools: Tool[] = [memorySearch, recallError];
