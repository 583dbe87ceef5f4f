// JSON input shared by every command that reads JSON from a file or stdin.
import { InputError } from '../errors.js';

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value as an error message shows it: short, and safe whatever it is (an object may not even
 * convert to a string, a list may nest thousands deep, a string may be 50,000 characters long).
 */
export function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** JSON input nested deeper than this is refused: whatever walks it later (redaction, storing) recurses. */
export const MAX_JSON_DEPTH = 100;

/** Is this parsed JSON nested more than `limit` levels deep? (Walked without recursion.) */
export function tooDeep(v: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d >= limit) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x as Record<string, unknown>)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

/** JSON.parse for input: a document nested more than MAX_JSON_DEPTH levels is a SyntaxError too. */
export function parseJson(text: string): unknown {
  const v = JSON.parse(text) as unknown;
  if (tooDeep(v)) throw new SyntaxError(`nested more than ${MAX_JSON_DEPTH} levels deep`);
  return v;
}

/**
 * Reads `--from-json` content: one JSON document (possibly pretty-printed) or JSON Lines.
 * Returns parsed values with their line numbers, or a per-line parse error.
 */
export function parseJsonInput(text: string): { bulk: boolean; items: { line: number; value?: unknown; error?: string }[] } {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError('no input: expected a JSON object or JSON Lines');
  try {
    const whole = parseJson(trimmed);
    if (Array.isArray(whole)) return { bulk: true, items: (whole as unknown[]).map((value, i) => ({ line: i + 1, value })) };
    return { bulk: false, items: [{ line: 1, value: whole }] };
  } catch (err) {
    // One line that does not parse is a broken document, not a batch of one.
    if (!trimmed.includes('\n')) throw new InputError(`malformed JSON: ${(err as Error).message}`, 1);
  }
  const items: { line: number; value?: unknown; error?: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      items.push({ line: i + 1, value: parseJson(raw) });
    } catch (err) {
      items.push({ line: i + 1, error: `malformed JSON: ${(err as Error).message}` });
    }
  });
  return { bulk: true, items };
}
