// Issue signatures group attempts at "the same issue". Documented in the README:
//   sha256( ISSUE_TYPE \x1f model family \x1f first 50 characters of the test prompt \x1f length category )
// first 16 hex characters. The family is the model name up to the first ':' (lower-cased), so
// llama3:8b and llama3:70b share issues; the length category buckets the actual response.
import { sha256Hex } from '../util/ids.js';

export type LengthCategory = 'empty' | 'short' | 'medium' | 'long';

export function lengthCategory(response: string): LengthCategory {
  const n = response.trim().length;
  if (n === 0) return 'empty';
  if (n < 100) return 'short';
  if (n < 1000) return 'medium';
  return 'long';
}

export function modelFamily(model: string): string {
  return model.split(':')[0]!.trim().toLowerCase();
}

/** Issue types are case-insensitive names: `timeout` and `TIMEOUT` are one type. */
export function normalizeIssueType(type: string): string {
  return type.trim().toUpperCase().replace(/[\s-]+/g, '_');
}

export interface SignatureInput {
  issue_type: string;
  model: string;
  test_prompt: string;
  actual_response: string;
}

export function issueSignature(i: SignatureInput): string {
  const prompt = Array.from(i.test_prompt).slice(0, 50).join('');
  const material = [normalizeIssueType(i.issue_type), modelFamily(i.model), prompt, lengthCategory(i.actual_response)].join('\x1f');
  return sha256Hex(material).slice(0, 16);
}

/** Identifies a list of fix commands regardless of surrounding whitespace. */
export function fixKey(commands: readonly string[]): string {
  const canon = JSON.stringify(commands.map((c) => c.trim()).filter(Boolean));
  return sha256Hex(canon).slice(0, 16);
}
