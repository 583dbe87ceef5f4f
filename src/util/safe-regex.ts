// A user-supplied regex must never hang mem. Node has no linear-time engine here (no RE2), so two
// guards: a static check that rejects the shapes known to backtrack exponentially (a repeated group
// that itself repeats, `(a+)+`, or whose alternatives can match the same text, `(a|aa)*`), and, as
// the backstop for whatever slips through (polynomial blow-ups like `a*a*a*b`), matching in a
// worker thread that is terminated after a hard time limit (regex-worker.ts).
import { UsageError } from '../errors.js';

/** The flags every user pattern runs with: case-insensitive, no `u` (so `\-` and friends stay legal). */
export const REGEX_FLAGS = 'i';

interface Quant {
  min: number;
  max: number;
}

interface Node {
  /** What the node's first character can be: a literal (lower-cased), or 'wild' when it can be many things. */
  first: string[];
  quant: Quant | null;
  /** Some node inside (not this one) repeats a varying number of times. */
  innerRepeat: boolean;
  /** A group's alternatives. */
  alts?: Node[][];
}

const WILD = 'wild';
/** Repeating more than this many times counts as unbounded for the nesting check: (\d+\.){3} stays legal. */
const HEAVY = 10;

/** Compiles `source`, or throws a one-line UsageError with the engine's reason or the unsafe shape. */
export function compileUserRegex(source: string, flag = '--match'): RegExp {
  if (!source) throw new UsageError(`${flag} needs a pattern`);
  if (source.length > 1000) throw new UsageError(`${flag} is ${source.length} characters; the limit is 1000`);
  let re: RegExp;
  try {
    re = new RegExp(source, REGEX_FLAGS);
  } catch (err) {
    throw new UsageError(`${flag} is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, 'bad_regex');
  }
  const why = unsafeReason(source);
  if (why) throw new UsageError(`${flag} '${oneLine(source)}' could take exponential time (${why}); rewrite it without that`, 'unsafe_regex');
  return re;
}

/** Why `source` (already known to be valid) is unsafe, or null. Conservative: may reject some safe patterns. */
export function unsafeReason(source: string): string | null {
  const p = new Parser(source);
  p.sequenceList();
  return p.problem;
}

class Parser {
  i = 0;
  problem: string | null = null;
  constructor(readonly s: string) {}

  /** Alternatives up to `)` or the end: each alternative's nodes. */
  sequenceList(): Node[][] {
    const alts: Node[][] = [[]];
    while (this.i < this.s.length && this.s[this.i] !== ')') {
      if (this.s[this.i] === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const node = this.atom();
      if (node) alts[alts.length - 1]!.push(node);
    }
    return alts;
  }

  atom(): Node | null {
    const c = this.s[this.i]!;
    let node: Node | null;
    if (c === '(') node = this.group();
    else if (c === '[') node = this.charClass();
    else if (c === '\\') node = this.escape();
    else if (c === '^' || c === '$') return (this.i++, null);
    else {
      this.i++;
      node = { first: c === '.' ? [WILD] : [c.toLowerCase()], quant: null, innerRepeat: false };
    }
    if (!node) return null;
    node.quant = this.quantifier();
    if (node.quant && isHeavy(node.quant)) this.checkRepeated(node);
    return node;
  }

  group(): Node | null {
    this.i++; // (
    let lookaround = false;
    if (this.s[this.i] === '?') {
      const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(this.s.slice(this.i));
      lookaround = Boolean(m && /^\?(?:=|!|<=|<!)$/.test(m[0]));
      this.i += m ? m[0].length : 1;
    }
    const alts = this.sequenceList();
    this.i++; // )
    const innerRepeat = alts.some((seq) => seq.some((n) => n.innerRepeat || (n.quant !== null && n.quant.max > 1 && n.quant.max > n.quant.min)));
    if (lookaround) return null; // matches no text; its inside was still checked
    return { first: alts.flatMap(firstOf), quant: null, innerRepeat, alts };
  }

  charClass(): Node {
    this.i++; // [
    if (this.s[this.i] === '^') this.i++;
    if (this.s[this.i] === ']') this.i++; // `[]` / `[^]`: JS closes at the first `]`; skip the odd case leniently
    while (this.i < this.s.length && this.s[this.i] !== ']') this.i += this.s[this.i] === '\\' ? 2 : 1;
    this.i++; // ]
    return { first: [WILD], quant: null, innerRepeat: false };
  }

  escape(): Node | null {
    const e = this.s[this.i + 1] ?? '';
    this.i += 2;
    if (e === 'b' || e === 'B') return null;
    if (/[dDwWsS1-9]/.test(e)) return { first: [WILD], quant: null, innerRepeat: false };
    if (e === 'k' && this.s[this.i] === '<') this.i = this.s.indexOf('>', this.i) + 1 || this.s.length;
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'c' ? 1 : 0;
    const lit = '\\' + e + this.s.slice(this.i, this.i + hex);
    this.i += hex;
    return { first: [e === 'k' ? WILD : lit.toLowerCase()], quant: null, innerRepeat: false };
  }

  quantifier(): Quant | null {
    const c = this.s[this.i];
    let q: Quant | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) this.i++;
    else {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return null;
      this.i += m[0].length;
      q = { min: Number(m[1]), max: m[2] ? (m[3] ? Number(m[3]) : Infinity) : Number(m[1]) };
    }
    if (this.s[this.i] === '?') this.i++; // lazy: same danger
    return q;
  }

  /** A node repeated many times: trouble if it repeats inside, or its alternatives overlap. */
  checkRepeated(node: Node): void {
    if (this.problem) return;
    if (node.innerRepeat) this.problem = 'a repeated group contains another repetition, as in (a+)+';
    if (!this.problem && node.alts && node.alts.length > 1) {
      const firsts = node.alts.map(firstOf);
      for (let a = 0; a < firsts.length && !this.problem; a++)
        for (let b = a + 1; b < firsts.length && !this.problem; b++)
          if (overlaps(firsts[a]!, firsts[b]!)) this.problem = 'a repeated group has alternatives that can match the same text, as in (a|aa)*; a character class such as [ab]+ is safe';
    }
  }
}

function isHeavy(q: Quant): boolean {
  return q.max > 1 && (q.max === Infinity || q.max > HEAVY);
}

/** First characters an alternative can start with; an optional first node lets the next one start too. */
function firstOf(seq: Node[]): string[] {
  const out: string[] = [];
  for (const n of seq) {
    out.push(...n.first);
    if (!n.quant || n.quant.min > 0) return out;
  }
  return out;
}

function overlaps(a: string[], b: string[]): boolean {
  return a.some((x) => x === WILD || b.includes(x)) || b.includes(WILD);
}

/** A pattern quoted in a one-line message. */
export const oneLine = (source: string) => source.replace(/[\r\n]+/g, ' ');
