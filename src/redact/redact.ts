// Secret redaction: every part of mem passes text through here before storing or exporting it.
//
// redact() runs each pattern of SECRET_PATTERNS over the original text, collects the spans
// of the secrets (not of the surrounding context), merges overlapping spans into one mask,
// and rebuilds the text with everything else kept byte for byte. Text already masked
// (`[REDACTED:…]`) is never matched or counted again, and passes repeat until one finds
// nothing new, so redaction is idempotent: redact(redact(x).text).text === redact(x).text.

import { buildKeywordIndex, matchingPatterns } from './keywords.js';
import { SECRET_PATTERNS, plausibleSecretValue, secretKeyKind } from './patterns.js';
import type { SecretPattern } from './patterns.js';

export interface RedactResult {
  /** The text with every secret replaced by `[REDACTED:<kind>]`. */
  text: string;
  /** Number of masks inserted. */
  count: number;
  /** Kinds masked, deduplicated, in order of appearance. */
  kinds: string[];
}

/** The mask that replaces a secret of the given kind. */
export function redactionMask(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Used when redaction itself fails: fail closed rather than store the text unredacted. */
const FAILED = 'redaction_error';
const MASK_RE = /\[REDACTED:[a-z0-9_]+\]/g;
const WHOLE_MASK_RE = /^\[REDACTED:[a-z0-9_]+\]$/;
// $VAR, ${VAR}, $(cmd), $1: a reference to a secret, not the secret.
const VARIABLE_REF_RE = /^\$[A-Za-z_{(0-9]/;

interface CompiledPattern {
  name: string;
  re: RegExp;
  group: number;
  validate: SecretPattern['validate'];
  priority: number;
}

interface Span {
  start: number;
  end: number;
  name: string;
  priority: number;
}

type Indices = Array<[number, number] | undefined>;

// Private copies with the `d` flag (capture group offsets) so callers' use of the exported
// regexes (lastIndex) never interferes with redaction. Built on the first redaction, not at load:
// most commands never redact, and building costs a few ms of their start-up.
let compiled: { patterns: readonly CompiledPattern[]; keywords: ReturnType<typeof buildKeywordIndex>; candidates: Uint32Array } | undefined;
function compile(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const patterns = SECRET_PATTERNS.map((p, priority) => ({
    name: p.name,
    re: new RegExp(p.regex.source, p.regex.flags.replace(/[gdy]/g, '') + 'gd'),
    group: p.group ?? 0,
    validate: p.validate,
    priority,
  }));
  // Which patterns can match a text: one pass over it (see keywords.ts).
  const keywords = buildKeywordIndex(SECRET_PATTERNS.map((p) => p.keywords?.map((k) => k.toLowerCase())));
  return (compiled = { patterns, keywords, candidates: new Uint32Array(keywords.words) });
}

/** Whether [start, end) overlaps one of `spans` (sorted, disjoint): binary search. */
function overlapsAny(start: number, end: number, spans: readonly Span[]): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((spans[mid]?.end ?? 0) <= start) lo = mid + 1;
    else hi = mid;
  }
  const s = spans[lo];
  return s !== undefined && s.start < end;
}

function collect(text: string, masks: readonly Span[]): Span[] {
  const found: Span[] = [];
  const { patterns, keywords, candidates } = compile();
  matchingPatterns(keywords, text, candidates);
  for (const p of patterns) {
    if ((((candidates[p.priority >>> 5] ?? 0) >>> (p.priority & 31)) & 1) === 0) continue;
    const re = p.re;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex = m.index + 1;
        continue;
      }
      const secret = m[p.group];
      const where = (m as RegExpExecArray & { indices?: Indices }).indices?.[p.group];
      const ok =
        secret !== undefined &&
        where !== undefined &&
        secret.trim().length > 0 &&
        // Look at the text, not the secret: for `${{ secrets.X }}` the value match stops at `{`.
        !VARIABLE_REF_RE.test(text.slice(where[0], where[0] + 2)) &&
        !overlapsAny(where[0], where[1], masks) &&
        (p.validate === undefined || p.validate(secret, m));
      if (ok) {
        found.push({ start: where[0], end: where[1], name: p.name, priority: p.priority });
      } else {
        // A rejected hit may hide a real one starting inside it; resume just after its start.
        re.lastIndex = m.index + 1;
      }
    }
  }
  return found;
}

/** Merge overlapping spans; a merged span is named after its longest member (ties: the more specific pattern). */
function merge(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end || a.priority - b.priority);
  const out: Span[] = [];
  let cur: Span | undefined;
  let best: Span | undefined;
  for (const s of spans) {
    if (cur !== undefined && best !== undefined && s.start < cur.end) {
      cur.end = Math.max(cur.end, s.end);
      const len = s.end - s.start;
      const bestLen = best.end - best.start;
      if (len > bestLen || (len === bestLen && s.priority < best.priority)) best = s;
      continue;
    }
    if (cur !== undefined && best !== undefined) out.push({ ...cur, name: best.name });
    cur = { ...s };
    best = s;
  }
  if (cur !== undefined && best !== undefined) out.push({ ...cur, name: best.name });
  return out;
}

/** Masks of the text: existing `[REDACTED:…]` spans, which hits may not overlap. */
function existingMasks(text: string): Span[] {
  const masks: Span[] = [];
  if (!text.includes('[REDACTED:')) return masks;
  for (const m of text.matchAll(MASK_RE)) {
    masks.push({ start: m.index, end: m.index + m[0].length, name: '', priority: -1 });
  }
  return masks;
}

/** One pass over the text: every hit of every pattern, merged and replaced. */
function redactOnce(input: string): RedactResult {
  const spans = merge(collect(input, existingMasks(input)));
  if (spans.length === 0) return { text: input, count: 0, kinds: [] };
  let out = '';
  let pos = 0;
  const kinds: string[] = [];
  for (const s of spans) {
    out += input.slice(pos, s.start) + redactionMask(s.name);
    pos = s.end;
    if (!kinds.includes(s.name)) kinds.push(s.name);
  }
  out += input.slice(pos);
  return { text: out, count: spans.length, kinds };
}

// A mask can change what the patterns see around it (a masked value may have held the END
// line of a PEM block, or a `;` ending a command), so a pass over the result may find a
// little more. redact() repeats until a pass finds nothing, which is what makes it
// idempotent; text without secrets costs a single pass.
const MAX_PASSES = 8;

/** Mask every secret in `text`. Never throws; on an internal failure the whole text is masked. */
export function redact(text: string): RedactResult {
  let input: string;
  try {
    input = typeof text === 'string' ? text : text == null ? '' : String(text);
  } catch {
    return { text: redactionMask(FAILED), count: 1, kinds: [FAILED] };
  }
  if (input.length === 0) return { text: input, count: 0, kinds: [] };
  try {
    const result: RedactResult = { text: input, count: 0, kinds: [] };
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const r = redactOnce(result.text);
      if (r.count === 0) break;
      result.text = r.text;
      result.count += r.count;
      for (const k of r.kinds) if (!result.kinds.includes(k)) result.kinds.push(k);
    }
    return result;
  } catch {
    return { text: redactionMask(FAILED), count: 1, kinds: [FAILED] };
  }
}

/** redact(text).text. */
export function redactString(text: string): string {
  return redact(text).text;
}

interface DeepState {
  count: number;
  seen: WeakMap<object, unknown>;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, state: DeepState, keyKind: string | undefined): unknown {
  if (typeof value === 'string') {
    if (keyKind !== undefined && !WHOLE_MASK_RE.test(value.trim()) && !VARIABLE_REF_RE.test(value.trim()) && plausibleSecretValue(value)) {
      state.count++;
      return redactionMask(keyKind);
    }
    const r = redact(value);
    state.count += r.count;
    return r.text;
  }
  if (keyKind !== undefined && ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint')) {
    state.count++;
    return redactionMask(keyKind);
  }
  if (value === null || typeof value !== 'object') return value;
  const seen = state.seen.get(value);
  if (seen !== undefined) return seen;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    state.seen.set(value, out);
    // Items of an array under a secret key ({"api_keys": …} excluded, {"token": ["…"]} included) are secrets too.
    for (const item of value) out.push(walk(item, state, keyKind));
    return out;
  }
  if (!isPlainObject(value)) return value; // Date, Map, Buffer, class instances: not JSON-like, left as is.
  const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? (Object.create(null) as Record<string, unknown>) : {};
  state.seen.set(value, out);
  for (const key of Object.keys(value)) {
    // Keys are text too: a secret pasted as a key is masked like any other.
    const clean = redact(key);
    state.count += clean.count;
    // defineProperty, not assignment: a JSON "__proto__" key stays an ordinary property.
    Object.defineProperty(out, clean.text, {
      value: walk(value[key], state, secretKeyKind(key)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Redact every string inside a JSON-like value (arrays and plain objects, copied; keys redacted too).
 * Values of keys whose name looks secret ({"password": "hunter2"}, {"api_key": 123}) are
 * replaced whole by a mask. The input is not modified. Never throws.
 */
export function redactDeep<T>(value: T): { value: T; count: number } {
  const state: DeepState = { count: 0, seen: new WeakMap() };
  try {
    const out = walk(value, state, undefined);
    return { value: out as T, count: state.count };
  } catch {
    return { value: redactionMask(FAILED) as unknown as T, count: 1 };
  }
}
