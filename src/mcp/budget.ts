// Answers stay small whatever the store holds. Claude Code refuses a tool answer over 25,000 tokens
// and saves one over 50,000 characters to a file instead; a result travels twice (structured
// content and the same JSON as text), so each copy is held to 32,000 bytes: 16,000 tokens for both
// at ~4 bytes a token, 21,000 at 3 (text that is mostly non-ASCII).
import { MemError } from '../errors.js';

export const ANSWER_BYTES = 32_000;

export const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');

/**
 * The longest prefix of `items` that fits in `room` bytes of JSON (with a comma each), and
 * whether some were left out. At least one item is kept when `keepOne` (the caller then shrinks it).
 */
export function fitItems<T>(items: readonly T[], room: number, keepOne = false): { items: T[]; cut: boolean } {
  const out: T[] = [];
  let used = 2;
  for (const item of items) {
    const size = jsonBytes(item) + 1;
    if (used + size > room && !(keepOne && out.length === 0)) return { items: out, cut: true };
    out.push(item);
    used += size;
  }
  return { items: out, cut: false };
}

/**
 * The longest prefix of `text` whose JSON string takes at most `room` bytes: a memory's content
 * is returned a piece at a time when it does not fit.
 */
export function clipText(text: string, room: number): string {
  if (jsonBytes(text) <= room) return text;
  let lo = 0;
  let hi = Math.min(text.length, Math.max(0, room));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(safeSlice(text, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  return safeSlice(text, lo);
}

/** A prefix that does not end in the middle of a surrogate pair. */
function safeSlice(text: string, end: number): string {
  const code = text.charCodeAt(end - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end);
}

/**
 * The last resort for answers built from whatever the store holds (stats, task and fix context):
 * long strings are cut short, then the longest lists lose their tail, until the answer fits. The
 * shape stays (strings stay strings, lists stay lists), so it still matches its schema, and
 * `truncated: true` says something was left out.
 */
export function shrink<T extends Record<string, unknown>>(answer: T, budget = ANSWER_BYTES): T & { truncated?: boolean } {
  if (jsonBytes(answer) <= budget) return answer;
  let v = structuredClone(answer) as T & { truncated?: boolean };
  for (const max of [2000, 500, 120]) {
    v = clipStrings(v, max) as T;
    v.truncated = true;
    if (jsonBytes(v) <= budget) return v;
  }
  for (let i = 0; i < 10_000 && jsonBytes(v) > budget; i++) {
    const longest = longestArray(v);
    if (!longest || longest.length === 0) break;
    longest.splice(Math.floor(longest.length / 2));
  }
  // Never more than the budget: an answer that cannot be cut down (a huge object) is refused.
  if (jsonBytes(v) > budget) throw new MemError('the answer does not fit in one reply even cut short: ask for less (a smaller limit or top_k)', 1, 'too_large');
  return v;
}

function clipStrings(v: unknown, max: number): unknown {
  if (typeof v === 'string') return v.length > max ? `${v.slice(0, max - 1)}…` : v;
  if (Array.isArray(v)) return v.map((x) => clipStrings(x, max));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clipStrings(x, max)]));
  return v;
}

/** The array with the most JSON bytes anywhere in `v`. */
function longestArray(v: unknown): unknown[] | null {
  let best: unknown[] | null = null;
  let bestSize = -1;
  const visit = (x: unknown) => {
    if (Array.isArray(x)) {
      const size = jsonBytes(x);
      if (size > bestSize && x.length > 0) {
        best = x;
        bestSize = size;
      }
      x.forEach(visit);
    } else if (x && typeof x === 'object') Object.values(x).forEach(visit);
  };
  visit(v);
  return best;
}
