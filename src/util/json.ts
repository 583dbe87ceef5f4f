// JSON input shared by every command that reads JSON from a file or stdin.
import { InputError } from '../errors.js';

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as an error message quotes it: strings as they are, anything else as JSON. */
export const shown = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

/**
 * Reads `--from-json` content: one JSON document (possibly pretty-printed) or JSON Lines.
 * Returns parsed values with their line numbers, or a per-line parse error.
 */
export function parseJsonInput(text: string): { bulk: boolean; items: { line: number; value?: unknown; error?: string }[] } {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError('no input: expected a JSON object or JSON Lines');
  try {
    const whole: unknown = JSON.parse(trimmed);
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
      items.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      items.push({ line: i + 1, error: `malformed JSON: ${(err as Error).message}` });
    }
  });
  return { bulk: true, items };
}
