// The picker's matcher: a query is words separated by spaces, and a line matches when every word
// does. A word matches as text the line contains (best at the start of a word of the line), else
// as a fuzzy subsequence (its letters in order, scored by how close together they are). `'word`
// asks for the text exactly, `^word` for the line's start. Smart case: a word with a capital
// letter matches case-sensitively. Hand-written and allocation-free on the hot path: one keystroke
// runs it over every distinct command (tens of thousands), and a general fuzzy library measured
// slower to load than this whole file takes to run.

export type TermKind = 'fuzzy' | 'exact' | 'prefix';

export interface Term {
  text: string;
  kind: TermKind;
  /** Matches case-sensitively (the word has a capital letter). */
  cased: boolean;
}

export function parseQuery(query: string): Term[] {
  const terms: Term[] = [];
  for (const word of query.split(/\s+/)) {
    if (!word) continue;
    let kind: TermKind = 'fuzzy';
    let text = word;
    if (text.length > 1 && text[0] === "'") {
      kind = 'exact';
      text = text.slice(1);
    } else if (text.length > 1 && text[0] === '^') {
      kind = 'prefix';
      text = text.slice(1);
    }
    const cased = text !== text.toLowerCase();
    terms.push({ text: cased ? text : text.toLowerCase(), kind, cased });
  }
  return terms;
}

/** Characters after which a word of a command line starts. */
const isBoundary = (c: number) => c === 32 || c === 47 || c === 45 || c === 95 || c === 46 || c === 61 || c === 58 || c === 34 || c === 39 || c === 9 || c === 10 || c === 40 || c === 124 || c === 59;

/**
 * How well `terms` match a line (`lower` is the line in lower case, `line` as typed): 0 for no
 * match, else a score in (0, 1], higher for text found whole, at the start of words, and early.
 */
export function matchScore(terms: readonly Term[], line: string, lower: string): number {
  if (!terms.length) return 1;
  let total = 0;
  for (const t of terms) {
    const s = termScore(t, t.cased ? line : lower);
    if (s === 0) return 0;
    total += s;
  }
  return total / terms.length;
}

function termScore(t: Term, hay: string): number {
  const n = t.text;
  if (t.kind === 'prefix') return hay.startsWith(n) ? 1 : 0;
  const first = hay.indexOf(n);
  if (first >= 0) {
    // The best occurrence: the first at the start of a word, else the first.
    let at = first;
    for (let a = first; a >= 0; a = hay.indexOf(n, a + 1)) {
      if (a === 0 || isBoundary(hay.charCodeAt(a - 1))) {
        at = a;
        break;
      }
    }
    const wordStart = at === 0 || isBoundary(hay.charCodeAt(at - 1));
    return (wordStart ? 0.8 : 0.6) + 0.2 / (1 + at / 40);
  }
  if (t.kind === 'exact') return 0;
  return fuzzyScore(n, hay);
}

/**
 * Letters of `n` in order in `hay`: the shortest window ending where a forward scan first
 * completes (fzf's v1 idea), scored by how much of the window the letters fill, between 0.05 and 0.5.
 */
function fuzzyScore(n: string, hay: string): number {
  const m = n.length;
  let i = 0;
  let end = -1;
  for (let j = 0; j < hay.length; j++) {
    if (hay.charCodeAt(j) === n.charCodeAt(i) && ++i === m) {
      end = j;
      break;
    }
  }
  if (end < 0) return 0;
  // Back from the end to find where the window starts.
  let start = end;
  for (let k = m - 1; start >= 0; start--) {
    if (hay.charCodeAt(start) === n.charCodeAt(k) && --k < 0) break;
  }
  const span = end - start + 1;
  let boundaries = 0;
  for (let k = 0, j = start; k < m && j <= end; j++) {
    if (hay.charCodeAt(j) === n.charCodeAt(k)) {
      if (j === 0 || isBoundary(hay.charCodeAt(j - 1))) boundaries++;
      k++;
    }
  }
  return 0.05 + 0.3 * (m / span) + 0.15 * (boundaries / m);
}

/** Where the terms match in `line` (indices), for highlighting the rows on screen. */
export function matchPositions(terms: readonly Term[], line: string): number[] {
  const lower = line.toLowerCase();
  const out = new Set<number>();
  for (const t of terms) {
    const hay = t.cased ? line : lower;
    if (t.kind === 'prefix') {
      if (hay.startsWith(t.text)) for (let k = 0; k < t.text.length; k++) out.add(k);
      continue;
    }
    const at = hay.indexOf(t.text);
    if (at >= 0) {
      for (let k = 0; k < t.text.length; k++) out.add(at + k);
      continue;
    }
    if (t.kind === 'exact') continue;
    for (let k = 0, j = 0; k < t.text.length && j < hay.length; j++) {
      if (hay.charCodeAt(j) === t.text.charCodeAt(k)) {
        out.add(j);
        k++;
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}
