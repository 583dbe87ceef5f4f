// Turns what fixers hand us (flags, or the JSON object an AI fixer produces) into one validated,
// redacted attempt. Errors name the line and field at fault.
import { InputError } from '../errors.js';
import { redactDeep, redactString } from '../redact/index.js';
import { isObj, shown } from '../util/json.js';
import { parseInstant } from '../util/time.js';
import { normalizeIssueType } from './signature.js';

export const LIMITS = { text: 50_000, name: 200, commands: 1000, command: 10_000 } as const;

export interface FixAttemptInput {
  /** A client-supplied id: recording the same uid twice stores one attempt. */
  uid?: string;
  ts?: number;
  model: string;
  issue_type: string;
  description: string;
  test_prompt: string;
  actual_response: string;
  fixer_type: string;
  analysis: string;
  confidence: number | null;
  fix_commands: string[];
  fix_success: boolean;
  verification_success: boolean | null;
  execution_time: number | null;
  system_info: Record<string, unknown>;
  notes: string;
  extra: Record<string, unknown>;
}

export interface IssueQuery {
  model?: string;
  issue_type?: string;
  test_prompt?: string;
  actual_response?: string;
  description?: string;
}

type Obj = Record<string, unknown>;

class Reader {
  constructor(private line?: number) {}
  fail(field: string, why: string): never {
    throw new InputError(why, this.line, field);
  }
  text(v: unknown, field: string, opts: { required?: boolean; max?: number } = {}): string {
    if (v === undefined || v === null) {
      if (opts.required) this.fail(field, 'is required');
      return '';
    }
    if (typeof v !== 'string') this.fail(field, `must be a string, got ${typeName(v)}`);
    const s = v;
    if (opts.required && s.trim() === '') this.fail(field, 'must not be empty');
    const max = opts.max ?? LIMITS.text;
    if (s.length > max) this.fail(field, `is ${s.length} characters; the limit is ${max}`);
    return s;
  }
  bool(v: unknown, field: string, required: boolean): boolean | null {
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'is required (true or false)');
      return null;
    }
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    return this.fail(field, `must be true or false, got ${shown(v)}`);
  }
  num(v: unknown, field: string, min: number, max: number): number | null {
    if (v === undefined || v === null) return null;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) this.fail(field, `must be a number, got ${shown(v)}`);
    if ((n) < min || (n) > max) this.fail(field, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }
  commands(v: unknown, field: string): string[] {
    if (v === undefined || v === null) return [];
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) this.fail(field, `must be a list of strings, got ${typeName(v)}`);
    const arr = list as unknown[];
    if (arr.length > LIMITS.commands) this.fail(field, `has ${arr.length} entries; the limit is ${LIMITS.commands}`);
    return arr.map((c, i) => this.text(c, `${field}[${i}]`, { max: LIMITS.command }));
  }
  object(v: unknown, field: string): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(field, `must be a JSON object, got ${typeName(v)}`);
    return v;
  }
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v;
}

const ISSUE_KEYS = ['model', 'model_name', 'issue_type', 'description', 'test_prompt', 'actual_response', 'timestamp'];
const AI_KEYS = ['analysis', 'fix_commands', 'confidence'];
const TOP_KEYS = ['issue_data', 'ai_response', 'fix_success', 'verification_success', 'execution_time', 'notes', 'fixer_type', 'system_info', 'timestamp', 'uid'];

/**
 * Accepts the nested shape `{issue_data, ai_response, fix_success, ...}` or the same fields flat.
 * Unknown fields are kept in `extra` rather than silently dropped.
 */
export function attemptFromJson(value: unknown, line?: number): FixAttemptInput {
  const r = new Reader(line);
  if (!isObj(value)) r.fail('(root)', `expected a JSON object, got ${typeName(value)}`);
  const top = value as Obj;
  const issue = 'issue_data' in top ? r.object(top.issue_data, 'issue_data') : top;
  const ai = 'ai_response' in top ? r.object(top.ai_response, 'ai_response') : top;
  const prefix = (obj: Obj, name: string) => (obj === top ? '' : `${name}.`);
  const ip = prefix(issue, 'issue_data');
  const ap = prefix(ai, 'ai_response');

  const extra: Obj = {};
  const keep = (obj: Obj, known: string[], name: string) => {
    for (const [k, v] of Object.entries(obj)) if (!known.includes(k) && !TOP_KEYS.includes(k) && !ISSUE_KEYS.includes(k) && !AI_KEYS.includes(k)) extra[name ? `${name}.${k}` : k] = v;
  };
  keep(top, TOP_KEYS, '');
  if (issue !== top) keep(issue, ISSUE_KEYS, 'issue_data');
  if (ai !== top) keep(ai, AI_KEYS, 'ai_response');

  const tsRaw = top.timestamp ?? issue.timestamp;
  let ts: number | undefined;
  if (tsRaw !== undefined && tsRaw !== null) {
    try {
      ts = parseInstant(tsRaw);
    } catch {
      r.fail('timestamp', `is not a valid time: ${shown(tsRaw)}`);
    }
  }
  const uid = top.uid;
  if (uid !== undefined && uid !== null && (typeof uid !== 'string' || !/^[\w.:-]{1,200}$/.test(uid))) {
    r.fail('uid', 'must be a string of up to 200 letters, digits, dots, colons, dashes or underscores');
  }
  const modelField = issue.model === undefined && issue.model_name !== undefined ? 'model_name' : 'model';
  return sanitize({
    ...(typeof uid === 'string' ? { uid } : {}),
    ts,
    model: r.text(issue.model ?? issue.model_name, ip + modelField, { required: true, max: LIMITS.name }),
    issue_type: normalizeIssueType(r.text(issue.issue_type, ip + 'issue_type', { required: true, max: LIMITS.name })),
    description: r.text(issue.description, ip + 'description'),
    test_prompt: r.text(issue.test_prompt, ip + 'test_prompt'),
    actual_response: r.text(issue.actual_response, ip + 'actual_response'),
    analysis: r.text(ai.analysis, ap + 'analysis'),
    fix_commands: r.commands(ai.fix_commands, ap + 'fix_commands'),
    confidence: r.num(ai.confidence, ap + 'confidence', 0, 1),
    fix_success: r.bool(top.fix_success, 'fix_success', true)!,
    verification_success: r.bool(top.verification_success, 'verification_success', false),
    execution_time: r.num(top.execution_time, 'execution_time', 0, 1e9),
    notes: r.text(top.notes, 'notes'),
    fixer_type: r.text(top.fixer_type, 'fixer_type', { max: LIMITS.name }).trim().toLowerCase() || 'unknown',
    system_info: r.object(top.system_info, 'system_info'),
    extra,
  });
}

/** Only the issue part of an attempt, for `fix similar` and `fix context`. */
export function issueFromJson(value: unknown): IssueQuery {
  const r = new Reader();
  if (!isObj(value)) r.fail('(root)', `expected a JSON object, got ${typeName(value)}`);
  const top = value as Obj;
  const issue = 'issue_data' in top ? r.object(top.issue_data, 'issue_data') : top;
  return {
    model: r.text(issue.model ?? issue.model_name, 'model', { max: LIMITS.name }) || undefined,
    issue_type: r.text(issue.issue_type, 'issue_type', { max: LIMITS.name }) || undefined,
    test_prompt: r.text(issue.test_prompt, 'test_prompt'),
    actual_response: r.text(issue.actual_response, 'actual_response'),
    description: r.text(issue.description, 'description'),
  };
}

/** Secrets never reach the store: every free-text field passes the shared redaction module. */
export function sanitize(a: FixAttemptInput): FixAttemptInput {
  return {
    ...a,
    model: redactString(a.model),
    issue_type: redactString(a.issue_type),
    fixer_type: redactString(a.fixer_type),
    description: redactString(a.description),
    test_prompt: redactString(a.test_prompt),
    actual_response: redactString(a.actual_response),
    analysis: redactString(a.analysis),
    notes: redactString(a.notes),
    fix_commands: a.fix_commands.map(redactString),
    system_info: redactDeep(a.system_info).value,
    extra: redactDeep(a.extra).value,
  };
}
