// The learned-pattern part of the export bundle, keyed by pattern id.
import { check, mapRows, type BundlePart } from '../core/bundle-part.js';
import { redactDeep } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { PATTERN_TYPES, PatternStore } from './store.js';

const JSON_COLUMNS = ['success_indicators', 'failure_indicators', 'recommended_context'];

const isTerm = (t: unknown, numbers: string[]) => isObj(t) && typeof t.term === 'string' && numbers.every((k) => check.num(t[k]));

/**
 * A learned pattern as `mem task-patterns` will read it back: every column of the table with
 * its type and range (a bad one would fail the whole import in SQLite, or every later listing).
 */
function validatePattern(p: unknown, i: number): Record<string, unknown> {
  const bad = (field: string, why: string) => check.bad('learned_patterns', i, `${field} ${why}`);
  if (!isObj(p)) return bad('(entry)', 'must be an object');
  if (!check.str(p.id)) return bad('id', 'must be a non-empty string');
  if (!(PATTERN_TYPES as readonly string[]).includes(p.type as string)) return bad('type', `must be ${PATTERN_TYPES.join(', ')}`);
  for (const k of ['match', 'scope']) if (!check.str(p[k])) return bad(k, 'must be a non-empty string');
  if (typeof p.description !== 'string') return bad('description', 'must be a string');
  for (const k of ['success_indicators', 'failure_indicators']) {
    if (!Array.isArray(p[k]) || !(p[k] as unknown[]).every((t) => isTerm(t, ['successes', 'failures', 'score']))) return bad(k, 'must be a list of {term, successes, failures, score}');
  }
  if (!Array.isArray(p.recommended_context) || !p.recommended_context.every((t) => isTerm(t, ['successes', 'share']))) return bad('recommended_context', 'must be a list of {term, successes, share}');
  for (const k of ['samples', 'successes']) if (!check.count(p[k])) return bad(k, 'must be a whole number from 0');
  for (const k of ['feedback_helpful', 'feedback_unhelpful']) if (p[k] !== undefined && !check.count(p[k])) return bad(k, 'must be a whole number from 0');
  if (!check.num(p.confidence) || p.confidence < 0 || p.confidence > 1) return bad('confidence', 'must be a number from 0 to 1');
  for (const k of ['created_at', 'updated_at']) if (!check.time(p[k])) return bad(k, 'must be a time in epoch milliseconds');
  if (!check.optStr(p.embedding_model)) return bad('embedding_model', 'must be a string or null');
  const row: Record<string, unknown> = {
    id: p.id,
    type: p.type,
    match: p.match,
    scope: p.scope,
    description: p.description,
    success_indicators: p.success_indicators,
    failure_indicators: p.failure_indicators,
    recommended_context: p.recommended_context,
    samples: p.samples,
    successes: p.successes,
    confidence: p.confidence,
    feedback_helpful: p.feedback_helpful ?? 0,
    feedback_unhelpful: p.feedback_unhelpful ?? 0,
    embedding_model: p.embedding_model ?? null,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
  return redactDeep(row).value;
}

export const patternsBundle: BundlePart<Record<string, unknown>[]> = {
  exportSections: (db) => [
    [
      'learned_patterns',
      mapRows(new PatternStore(db).exportRows(), (r) => {
        const { n: _n, ...rest } = r;
        for (const c of JSON_COLUMNS) if (typeof rest[c] === 'string') rest[c] = JSON.parse(rest[c]);
        return rest;
      }),
    ],
  ],
  parse: (list) => list('learned_patterns').map(validatePattern),
  count: (p) => ({ learned_patterns: p.length }),
  merge: (db, p) => ({ learned_patterns: new PatternStore(db).importRows(p) }),
};
