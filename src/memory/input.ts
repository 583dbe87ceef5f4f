// Validates what `mem add` / `mem edit` / `mem add --bulk` receive, and redacts secrets, before
// anything reaches the store. Errors name the field (and line, in bulk).
import { sha256Hex } from '../util/ids.js';
import { InputError } from '../errors.js';
import { redactDeep, redactString } from '../redact/index.js';
import { KINDS, MEMORY_LIMITS, SOURCES } from './model.js';
import { isObj, shown } from '../util/json.js';

export interface MemoryInput {
  kind: string;
  content: string;
  title: string;
  tags: string[];
  metadata: Record<string, unknown>;
  source: string;
  source_id: string | null;
  scope?: string;
  success: boolean | null;
  task_id: string | null;
  language: string | null;
}

type Obj = Record<string, unknown>;

export function contentHash(content: string): string {
  return sha256Hex(content.replace(/\s+/g, ' ').trim());
}

function fail(field: string, why: string, line?: number): never {
  throw new InputError(why, line, field);
}

function text(v: unknown, field: string, max: number, line?: number): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(field, `must be a string, got ${Array.isArray(v) ? 'a list' : typeof v}`, line);
  if ((v).length > max) fail(field, `is ${(v).length} characters; the limit is ${max}`, line);
  return v;
}

export function parseTags(v: unknown, line?: number): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list)) fail('tags', 'must be a list of strings or a comma-separated string', line);
  const tags = [...new Set((list as unknown[]).map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : fail('tags', 'must contain strings', line))).filter(Boolean))];
  if (tags.length > MEMORY_LIMITS.tags) fail('tags', `has ${tags.length} tags; the limit is ${MEMORY_LIMITS.tags}`, line);
  for (const t of tags) if (t.length > MEMORY_LIMITS.tag) fail('tags', `tag '${t.slice(0, 20)}…' is longer than ${MEMORY_LIMITS.tag} characters`, line);
  return tags;
}

export function checkKind(v: unknown, line?: number): string {
  const k = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (!(KINDS as readonly string[]).includes(k)) fail('kind', `must be one of ${KINDS.join(', ')}${v === undefined ? '' : `, got ${typeof v === 'string' ? `'${v.slice(0, 40)}'` : shown(v)}`}`, line);
  return k;
}

export function checkSource(v: unknown, line?: number): string {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : 'manual';
  if (!(SOURCES as readonly string[]).includes(s)) fail('source', `must be one of ${SOURCES.join(', ')}, got ${typeof v === 'string' ? `'${v.slice(0, 40)}'` : shown(v)}`, line);
  return s;
}

/** `--meta k=v` pairs (repeatable) into an object; values that parse as JSON keep their type. */
export function parseMetaPairs(pairs: string[]): Obj {
  const out: Obj = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) fail('meta', `expected key=value, got '${p}'`);
    const raw = p.slice(i + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[p.slice(0, i).trim()] = value;
  }
  return out;
}

/** One memory from a JSON object (bulk lines, and flags assembled into the same shape). */
export function memoryFromObject(v: unknown, line?: number): MemoryInput {
  if (!isObj(v)) fail('(root)', 'expected a JSON object', line);
  const o = v as Obj;
  const content = text(o.content, 'content', MEMORY_LIMITS.content, line);
  if (!content.trim()) fail('content', 'is required and must not be empty', line);
  if (o.metadata !== undefined && !isObj(o.metadata)) fail('metadata', 'must be a JSON object', line);
  if (o.success !== undefined && o.success !== null && typeof o.success !== 'boolean') fail('success', 'must be true or false', line);
  const scope = o.scope === undefined ? undefined : text(o.scope, 'scope', 1000, line).trim() || undefined;
  return sanitize({
    kind: checkKind(o.kind ?? 'note', line),
    content,
    title: text(o.title, 'title', MEMORY_LIMITS.title, line),
    tags: parseTags(o.tags, line),
    metadata: (o.metadata) ?? {},
    source: checkSource(o.source, line),
    source_id: text(o.source_id, 'source_id', 1000, line) || null,
    scope,
    success: (o.success as boolean | undefined) ?? null,
    task_id: text(o.task_id, 'task_id', 1000, line) || null,
    language: text(o.language, 'language', 100, line) || null,
  });
}

/** Secrets never reach the store: every text field passes the shared redaction module. */
export function sanitize(m: MemoryInput): MemoryInput {
  const opt = (s: string | null) => (s === null ? null : redactString(s));
  return {
    ...m,
    content: redactString(m.content),
    title: redactString(m.title),
    tags: m.tags.map(redactString),
    metadata: redactDeep(m.metadata).value,
    source_id: opt(m.source_id),
    scope: m.scope === undefined ? undefined : redactString(m.scope),
    task_id: opt(m.task_id),
    language: opt(m.language),
  };
}
