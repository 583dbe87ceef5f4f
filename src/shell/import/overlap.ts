// Where the new part of a history file starts, given the tail of the version imported last time.
// Needed for entries without timestamps: their only identity is their text and their place, and
// their place shifts when the shell drops the oldest lines (HISTFILESIZE) or rewrites the file.
// Entries are compared by digest (time + text); `tail` holds at most TAIL of them.
//
// 1. Rotation and append (how shells grow and cut their files): the file is a suffix of the
//    previous version followed by new lines. The old part is the longest start of the file that is
//    an end of the stored tail; when the tail is a full TAIL long, the previous version may have
//    been longer, and a place where the whole tail occurs ends the old part: where the previous
//    version ended, if it occurs there (same file, append), else the first.
// 2. Rewrites (bash without histappend keeps only the last shell's view, `history -d`, zsh's
//    HIST_IGNORE_ALL_DUPS): when the longest run of entries shared with the stored tail is long
//    enough not to be coincidence (MIN_RUN, or half the tail when that is shorter) and clearly
//    longer than what rule 1 found, the old part ends after that run, followed
//    forward through later runs of the tail (a deletion skips lines of the tail). If a long start
//    of the run coincides with the end of the tail, the old part ends there instead: what follows
//    is new even when it repeats what once followed the same commands.
// Otherwise everything is new.

import { TAIL } from './state.js';

/** Shortest run believed under rule 2 (coincidences of a few common commands are frequent). */
export const MIN_RUN = 20;
/** Shortest further run followed after the main one (or any run that reaches the tail's end). */
const MIN_STEP = 3;

/**
 * Index of the first new entry of `current`, given the `tail` of the previous import (same
 * digests) and how many entries the previous version had.
 */
export function resumeAt(tail: readonly string[], current: readonly string[], previousLength: number): number {
  if (!tail.length || !current.length) return 0;
  const model = rotationCut(tail, current, previousLength);
  const minRun = Math.max(MIN_STEP, Math.min(MIN_RUN, Math.ceil(tail.length / 2)));
  const run = longestRun(tail, current);
  // A run only a few entries longer than rule 1's match is rule 1's match continued by coincidence.
  if (run && run.length >= minRun && run.length > model.matched + MIN_STEP) return followRuns(tail, current, run, minRun);
  return model.end;
}

/** Rule 1: the end of the old part and how many entries matched the tail to say so. */
function rotationCut(tail: readonly string[], current: readonly string[], previousLength: number): { end: number; matched: number } {
  const prefix = longestPrefixEndingTail(current.slice(0, tail.length), tail);
  if (tail.length === TAIL && prefix < tail.length) {
    // A file that repeats itself holds the tail more than once; unmoved is the likeliest.
    const unmoved = previousLength - tail.length;
    if (unmoved >= 0 && previousLength <= current.length && tail.every((d, i) => current[unmoved + i] === d)) {
      return { end: previousLength, matched: tail.length };
    }
    const at = indexOfRun(current, tail);
    if (at >= 0) return { end: at + tail.length, matched: tail.length };
  }
  return { end: prefix, matched: prefix };
}

interface Run {
  /** First index in current. */
  start: number;
  length: number;
  /** Index in tail just after the (first) occurrence the run matched. */
  tailEnd: number;
}

/** Rule 2: the end of the old part, starting from the longest shared run. */
function followRuns(tail: readonly string[], current: readonly string[], run: Run, minRun: number): number {
  const anchored = longestPrefixEndingTail(current.slice(run.start, run.start + run.length), tail);
  if (anchored >= minRun) return run.start + anchored;
  let end = run.start + run.length;
  let from = run.tailEnd;
  while (end < current.length && from < tail.length) {
    let best = { at: -1, length: 0 };
    for (let k = from; k < tail.length; k++) {
      let n = 0;
      while (k + n < tail.length && end + n < current.length && tail[k + n] === current[end + n]) n++;
      if (n > best.length) best = { at: k, length: n };
    }
    const reachesEnd = best.at + best.length === tail.length;
    if (best.length === 0 || (best.length < MIN_STEP && !reachesEnd)) break;
    end += best.length;
    if (reachesEnd) break;
    from = best.at + best.length;
  }
  return end;
}

/**
 * The longest run of `current` that occurs in `tail`, through a suffix automaton of the tail
 * (O(tail + current)). Between equal lengths: one that ends where the tail ends, then the earliest.
 */
function longestRun(tail: readonly string[], current: readonly string[]): Run | null {
  const len = [0];
  const link = [-1];
  const next: Map<string, number>[] = [new Map<string, number>()];
  const firstEnd = [-1]; // index in tail of the last token of a state's first occurrence
  const add = (l: number, n: Map<string, number>, lk: number, fe: number): number => {
    len.push(l);
    next.push(n);
    link.push(lk);
    firstEnd.push(fe);
    return len.length - 1;
  };
  let last = 0;
  tail.forEach((token, i) => {
    const cur = add(len[last]! + 1, new Map(), 0, i);
    let p = last;
    while (p !== -1 && !next[p]!.has(token)) {
      next[p]!.set(token, cur);
      p = link[p]!;
    }
    if (p !== -1) {
      const q = next[p]!.get(token)!;
      if (len[p]! + 1 === len[q]) {
        link[cur] = q;
      } else {
        const clone = add(len[p]! + 1, new Map(next[q]), link[q]!, firstEnd[q]!);
        while (p !== -1 && next[p]!.get(token) === q) {
          next[p]!.set(token, clone);
          p = link[p]!;
        }
        link[q] = clone;
        link[cur] = clone;
      }
    }
    last = cur;
  });
  const terminal = new Set<number>();
  for (let s = last; s > 0; s = link[s]!) terminal.add(s);

  let best: (Run & { anchored: boolean }) | null = null;
  let state = 0;
  let length = 0;
  current.forEach((token, j) => {
    while (state !== 0 && !next[state]!.has(token)) {
      state = link[state]!;
      length = len[state]!;
    }
    const to = next[state]!.get(token);
    if (to === undefined) {
      state = 0;
      length = 0;
      return;
    }
    state = to;
    length++;
    const anchored = terminal.has(state);
    if (!best || length > best.length || (length === best.length && anchored && !best.anchored)) {
      best = { start: j + 1 - length, length, tailEnd: firstEnd[state]! + 1, anchored };
    }
  });
  return best;
}

/** The longest prefix of `run` that is a suffix of `tail` (Knuth-Morris-Pratt). */
function longestPrefixEndingTail(run: readonly string[], tail: readonly string[]): number {
  if (!run.length) return 0;
  const border = borders(run);
  let q = 0;
  for (const token of tail) {
    while (q > 0 && (q === run.length || run[q] !== token)) q = border[q - 1]!;
    if (run[q] === token) q++;
  }
  return q;
}

/** First index where `needle` occurs whole in `hay`, or -1 (Knuth-Morris-Pratt). */
function indexOfRun(hay: readonly string[], needle: readonly string[]): number {
  const border = borders(needle);
  let q = 0;
  for (let i = 0; i < hay.length; i++) {
    while (q > 0 && hay[i] !== needle[q]) q = border[q - 1]!;
    if (hay[i] === needle[q]) q++;
    if (q === needle.length) return i + 1 - needle.length;
  }
  return -1;
}

function borders(s: readonly string[]): number[] {
  const border = [0];
  for (let i = 1, k = 0; i < s.length; i++) {
    while (k > 0 && s[i] !== s[k]) k = border[k - 1]!;
    if (s[i] === s[k]) k++;
    border.push(k);
  }
  return border;
}
