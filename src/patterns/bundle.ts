// The learned-pattern part of the export bundle, keyed by pattern id.
import { check, mapRows, type BundlePart } from '../core/bundle-part.js';
import { redactDeep } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { PatternStore } from './store.js';

const JSON_COLUMNS = ['success_indicators', 'failure_indicators', 'recommended_context'];

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
  parse: (list) =>
    list('learned_patterns').map((p, i) =>
      isObj(p) && check.str(p.id) && check.str(p.type) && typeof p.match === 'string' && check.num(p.confidence)
        ? redactDeep(p).value
        : check.bad('learned_patterns', i, 'must have id, type, match and confidence'),
    ),
  count: (p) => ({ learned_patterns: p.length }),
  merge: (db, p) => ({ learned_patterns: new PatternStore(db).importRows(p) }),
};
