// What separates successful from failed tasks, from their text alone. Each sample becomes a set of
// terms (words and 2-word phrases, stopwords dropped); a term's document frequency in successful
// and in failed samples gives a smoothed log-odds ratio and its z-score (Haldane's +0.5 keeps
// terms seen on one side only finite). Indicators are the terms with the strongest z either way;
// recommended context is what most successful samples share (and failed ones less). Pure: no store, no clock.
import { words } from '../util/words.js';

export interface Sample {
  text: string;
  success: boolean;
}

export interface Indicator {
  term: string;
  /** Successful samples containing the term. */
  successes: number;
  /** Failed samples containing the term. */
  failures: number;
  /** z-score of the log-odds ratio: > 0 goes with success, < 0 with failure. */
  score: number;
}

export interface ContextTerm {
  term: string;
  successes: number;
  /** Share of the successful samples containing it. */
  share: number;
}

export interface Derived {
  samples: number;
  successes: number;
  success_indicators: Indicator[];
  failure_indicators: Indicator[];
  recommended_context: ContextTerm[];
  /** Largest difference of document shares among the indicators, 0..1. */
  separation: number;
  confidence: number;
}

export const TOP = 5;
// |z| >= 1.5: at 6 + 6 samples a term needs to be in 3 of one side and none of the other (or 4 vs 1).
const MIN_Z = 1.5;
/** Overlapping phrases merge up to this many words: longer runs of always-together words say no more. */
const MAX_PHRASE = 3;
// words() already drops the commonest function words; these add little to a pattern either.
// "not", "no", "before", "after" are kept: they often are the difference.
const EXTRA_STOP = new Set(
  'about again all also am any been being both can could did do does doing done during each few had having he her here him his however just me more most my nor now off once only other our out over own same she should some such than then there these they those through too very we who whom why will would'.split(' '),
);

interface Term {
  term: string;
  words: string[];
  docs: number[];
  /** Sum of the term's first positions in its samples: ties go to what comes first in the text. */
  pos: number;
  s: number;
  f: number;
  z: number;
}

/** The filtered word sequence of a text: phrases are built on it, so "skipped the tests" gives "skipped tests". */
export function termWords(text: string): string[] {
  return words(text).filter((w) => !EXTRA_STOP.has(w) && !/^\d+$/.test(w));
}

export function derive(samples: Sample[]): Derived {
  const seqs = samples.map((x) => termWords(x.text));
  const nS = samples.filter((x) => x.success).length;
  const nF = samples.length - nS;
  const terms = new Map<string, Term>();
  seqs.forEach((seq, d) => {
    const first = new Map<string, number>();
    for (let i = 0; i < seq.length; i++) {
      if (!first.has(seq[i]!)) first.set(seq[i]!, i);
      if (i + 1 < seq.length && !first.has(`${seq[i]} ${seq[i + 1]}`)) first.set(`${seq[i]} ${seq[i + 1]}`, i);
    }
    for (const [t, at] of first) {
      const e = terms.get(t) ?? { term: t, words: t.split(' '), docs: [], pos: 0, s: 0, f: 0, z: 0 };
      e.docs.push(d);
      e.pos += at;
      if (samples[d]!.success) e.s++;
      else e.f++;
      terms.set(t, e);
    }
  });
  for (const t of terms.values()) t.z = logOddsZ(t.s, nS, t.f, nF);
  const all = [...terms.values()];
  const bySeparation = (a: Term, b: Term) => Math.abs(b.z) - Math.abs(a.z) || b.docs.length - a.docs.length || a.pos - b.pos || b.words.length - a.words.length || a.term.localeCompare(b.term);
  const minSupport = (n: number) => Math.max(2, Math.ceil(n * 0.25));
  const pick = (cands: Term[]) => select(cands, seqs).map((t) => ({ term: t.term, successes: t.s, failures: t.f, score: round(t.z) }));
  const success_indicators = nS && nF ? pick(all.filter((t) => t.z >= MIN_Z && t.s >= minSupport(nS)).sort(bySeparation)) : [];
  const failure_indicators = nS && nF ? pick(all.filter((t) => t.z <= -MIN_Z && t.f >= minSupport(nF)).sort(bySeparation)) : [];
  // In most successful samples, and more common there than in failed ones (what every sample has explains nothing).
  const shared = all.filter((t) => nS && t.s >= Math.max(1, Math.ceil(nS / 2)) && (!nF || t.s / nS > t.f / nF)).sort((a, b) => b.s - a.s || b.z - a.z || a.pos - b.pos || b.words.length - a.words.length || a.term.localeCompare(b.term));
  const recommended_context = select(shared, seqs).map((t) => ({ term: t.term, successes: t.s, share: round(t.s / nS) }));
  const separation = round(Math.max(0, ...[...success_indicators, ...failure_indicators].map((i) => Math.abs(i.successes / nS - i.failures / nF))));
  // More samples and a cleaner split both raise confidence; 12 samples with a perfect split give ~0.7.
  const confidence = round((1 - Math.exp(-samples.length / 10)) * (0.25 + 0.75 * separation));
  return { samples: samples.length, successes: nS, success_indicators, failure_indicators, recommended_context, separation, confidence };
}

function logOddsZ(s: number, nS: number, f: number, nF: number): number {
  const a = s + 0.5, b = nS - s + 0.5, c = f + 0.5, d = nF - f + 0.5;
  return Math.log((a / b) / (c / d)) / Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
}

/**
 * The top terms without repeats. A term found in exactly the samples of a kept phrase, and next to
 * it in each, is part of it: "ran migrations" + "migrations first" merge into "ran migrations
 * first" (up to MAX_PHRASE words), longer runs are cut there. A term whose words all belong to a
 * kept phrase adds nothing either.
 */
function select(sorted: Term[], seqs: string[][]): Term[] {
  const kept: (Term & { key: string })[] = [];
  for (const c of sorted) {
    if (kept.length >= TOP) break;
    if (kept.some((k) => c.words.every((w) => k.words.includes(w)))) continue;
    const key = c.docs.join();
    const same = kept.findIndex((k) => k.key === key && c.docs.every((d) => near(seqs[d]!, k.words, c.words)));
    if (same < 0) {
      kept.push({ ...c, key });
      continue;
    }
    const k = kept[same]!;
    const merged = k.words.at(-1) === c.words[0] ? [...k.words, ...c.words.slice(1)] : c.words.at(-1) === k.words[0] ? [...c.words, ...k.words.slice(1)] : null;
    if (merged && merged.length <= MAX_PHRASE && c.docs.every((d) => starts(seqs[d]!, merged).length)) kept[same] = { ...k, term: merged.join(' '), words: merged };
  }
  return kept;
}

/** Where `run` occurs in `seq`. */
function starts(seq: string[], run: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + run.length <= seq.length; i++) if (run.every((w, j) => seq[i + j] === w)) out.push(i);
  return out;
}

/** Whether `a` and `b` overlap or touch somewhere in `seq`. */
function near(seq: string[], a: string[], b: string[]): boolean {
  const bs = starts(seq, b);
  return starts(seq, a).some((i) => bs.some((j) => j <= i + a.length && i <= j + b.length));
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The pattern in words; the type decides what leads (what works, what fails, or what to change). */
export function describePattern(type: 'success' | 'failure' | 'optimization', match: string, d: Derived): string {
  const quote = (xs: { term: string }[]) => xs.slice(0, 3).map((x) => `"${x.term}"`).join(', ');
  const rate = `${d.successes}/${d.samples} succeeded (${Math.round((d.successes / d.samples) * 100)}%)`;
  const good = d.success_indicators.length ? `successful ones mention ${quote(d.success_indicators)}` : '';
  const bad = d.failure_indicators.length ? `failed ones mention ${quote(d.failure_indicators)}` : '';
  const none = d.successes === 0 || d.successes === d.samples ? 'all have the same outcome, so nothing separates success from failure yet' : 'no term clearly separates successful from failed ones yet';
  const body =
    !good && !bad
      ? none
      : type === 'failure'
        ? [bad, good && `while ${good}`].filter(Boolean).join(', ')
        : type === 'optimization'
          ? [good && `do what ${good.replace('successful ones mention', 'the successful ones did:')}`, bad && `avoid what ${bad.replace('failed ones mention', 'the failed ones did:')}`].filter(Boolean).join('; ')
          : [good, bad && `while ${bad}`].filter(Boolean).join(', ');
  const ctx = d.recommended_context.length ? `. Successful ones share ${quote(d.recommended_context)}` : '';
  return `Tasks matching /${match}/: ${rate}; ${body}${ctx}.`;
}
