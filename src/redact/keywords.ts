// Which patterns can match a text, found in one pass over it.
//
// Most text holds no secret, so redaction's cost is mostly deciding which regexes to skip. Each
// pattern lists keywords, at least one of which must occur (case-insensitively) for it to run.
// Searching for each keyword of each pattern separately costs ~80 substring searches per text
// (and a lower-cased copy of it); instead, all keywords go into one Aho-Corasick automaton with
// upper-case letters folded onto lower case, and one pass over the text's characters yields the
// set of patterns whose keywords occur. Keywords are lower-case ASCII; any other character
// (code 128 and up) can be part of no keyword, so it sends the automaton back to its start.
// The answer is exactly `keywords.some((k) => text.toLowerCase().includes(k))` for each pattern,
// as far as the regexes can tell (none uses the `u` flag, so no non-ASCII letter matches an ASCII
// one in them).

const COLUMNS = 128;

export interface KeywordIndex {
  /** Transition table: next state = delta[state * 128 + charCode]. */
  delta: Int32Array;
  /** Per state, `words` 32-bit masks of the patterns one of whose keywords ends there. */
  out: Uint32Array;
  /** 32-bit words per pattern mask. */
  words: number;
  /** Patterns that run whatever the text (no keywords). */
  always: Uint32Array;
}

/** Builds the automaton for patterns' keyword lists (undefined: the pattern always runs). */
export function buildKeywordIndex(keywordLists: ReadonlyArray<readonly string[] | undefined>): KeywordIndex {
  const words = Math.max(1, Math.ceil(keywordLists.length / 32));
  const children: Array<Map<number, number>> = [new Map<number, number>()];
  const ending: number[][] = [[]];
  const always = new Uint32Array(words);
  keywordLists.forEach((keywords, p) => {
    if (keywords === undefined) {
      always[p >>> 5] = (always[p >>> 5] ?? 0) | (1 << (p & 31));
      return;
    }
    for (const k of keywords) {
      if (k.length === 0 || !/^[\x01-\x40\x5b-\x7f]+$/.test(k)) throw new Error(`keyword must be non-empty lower-case ASCII: '${k}'`);
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        let t = children[s]?.get(c);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          ending.push([]);
          children[s]?.set(c, t);
        }
        s = t;
      }
      ending[s]?.push(p);
    }
  });

  const states = children.length;
  const delta = new Int32Array(states * COLUMNS);
  const out = new Uint32Array(states * words);
  const fail = new Int32Array(states);
  // Breadth first, so a state's failure state (always shallower) is complete before it is used:
  // a state's row starts as a copy of its failure state's row (where the automaton goes when no
  // keyword continues), then its own children override it. Upper-case letters move like their
  // lower-case twins (copied once the row is complete).
  const queue: number[] = [0];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] ?? 0;
    const f = fail[s] ?? 0;
    for (const p of ending[s] ?? []) out[s * words + (p >>> 5)] = (out[s * words + (p >>> 5)] ?? 0) | (1 << (p & 31));
    if (s !== 0) {
      for (let w = 0; w < words; w++) out[s * words + w] = (out[s * words + w] ?? 0) | (out[f * words + w] ?? 0);
      delta.copyWithin(s * COLUMNS, f * COLUMNS, f * COLUMNS + COLUMNS);
    }
    for (const [c, t] of children[s] ?? []) {
      fail[t] = s === 0 ? 0 : (delta[f * COLUMNS + c] ?? 0);
      delta[s * COLUMNS + c] = t;
      queue.push(t);
    }
    delta.copyWithin(s * COLUMNS + 65, s * COLUMNS + 97, s * COLUMNS + 123);
  }
  return { delta, out, words, always };
}

/** Fills `into` (index.words long) with the mask of patterns that may match `text`. */
export function matchingPatterns(index: KeywordIndex, text: string, into: Uint32Array): void {
  const { delta, out, words } = index;
  into.set(index.always);
  let s = 0;
  if (words === 1) {
    let m = into[0] ?? 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = delta[s * COLUMNS + (c < COLUMNS ? c : 0)] ?? 0;
      m |= out[s] ?? 0;
    }
    into[0] = m;
    return;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    s = delta[s * COLUMNS + (c < COLUMNS ? c : 0)] ?? 0;
    for (let w = 0; w < words; w++) into[w] = (into[w] ?? 0) | (out[s * words + w] ?? 0);
  }
}
