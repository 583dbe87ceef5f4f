// The fix-attempt part of the export bundle: attempts (with their stable uids), the archive of
// attempts removed by cleanup, their tombstones, and model notes. Derived tables are rebuilt on
// import, never exported.
import { check, type BundlePart } from '../core/bundle-part.js';
import { InputError } from '../errors.js';
import { isObj } from '../util/json.js';
import { attemptFromJson } from './input.js';
import { FixMaintenance, type ArchiveRow, type ExportedAttempt, type FixBundle } from './store/attempts.js';

function validateAttempt(a: unknown, i: number): ExportedAttempt {
  const field = `fix_attempts[${i}]`;
  if (!isObj(a) || typeof a.uid !== 'string' || !a.uid) throw new InputError('must be an attempt with a uid', undefined, field);
  // id, model_family and issue_signature are derived again on insert; the rest is validated as
  // strictly as `mem fix record --from-json` would.
  const { uid, id: _id, model_family: _f, issue_signature: _s, extra, ...flat } = a;
  try {
    return { uid: uid, input: { ...attemptFromJson(flat), extra: isObj(extra) ? extra : {} } };
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message, undefined, field);
    throw err;
  }
}

const ARCHIVE_TEXT = ['origin', 'day', 'issue_signature', 'model_name', 'fixer_type', 'fix_key', 'issue_type', 'model_family', 'pattern_name', 'fix_commands'];
const ARCHIVE_NUM = ['attempts', 'successes', 'exec_time_sum', 'exec_count', 'first_ts', 'last_ts'];

/** The archive keeps an attempt's fix commands as JSON text, which the aggregates read back. */
function isCommandList(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) && v.every((c) => typeof c === 'string');
  } catch {
    return false;
  }
}

function validateArchive(r: unknown, i: number): ArchiveRow {
  const field = `fix_archive[${i}]`;
  if (!isObj(r)) throw new InputError('must be an object', undefined, field);
  for (const k of ARCHIVE_TEXT) if (typeof r[k] !== 'string') throw new InputError('must be a string', undefined, `${field}.${k}`);
  for (const k of ARCHIVE_NUM) if (typeof r[k] !== 'number' || !Number.isFinite(r[k]) || (r[k]) < 0) throw new InputError('must be a non-negative number', undefined, `${field}.${k}`);
  for (const k of ['attempts', 'successes', 'exec_count']) if (!check.count(r[k])) throw new InputError('must be a whole number from 0', undefined, `${field}.${k}`);
  for (const k of ['first_ts', 'last_ts']) if (!check.time(r[k])) throw new InputError('must be a time in epoch milliseconds', undefined, `${field}.${k}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(r.day as string)) throw new InputError('must be a day, YYYY-MM-DD', undefined, `${field}.day`);
  if (!isCommandList(r.fix_commands as string)) throw new InputError('must be a JSON list of commands, as text', undefined, `${field}.fix_commands`);
  if ((r.successes as number) > (r.attempts as number)) throw new InputError('successes exceed attempts', undefined, field);
  return r as unknown as ArchiveRow;
}

export const fixesBundle: BundlePart<FixBundle> = {
  exportSections: (db) => new FixMaintenance(db).exportSections(),
  parse(list) {
    return {
      attempts: list('fix_attempts').map(validateAttempt),
      archive: list('fix_archive').map(validateArchive),
      tombstones: list('fix_tombstones').map((u, i) => {
        if (typeof u !== 'string' || !u) throw new InputError('must be a uid string', undefined, `fix_tombstones[${i}]`);
        return u;
      }),
      notes: list('model_notes').map((n, i) => {
        if (!isObj(n) || typeof n.model !== 'string' || typeof n.notes !== 'string') throw new InputError('must be {model, notes}', undefined, `model_notes[${i}]`);
        return { model: n.model, notes: n.notes };
      }),
    };
  },
  count: (p) => ({ fix_attempts: p.attempts.length, fix_archive: p.archive.length }),
  merge(db, p) {
    const r = new FixMaintenance(db).import(p);
    return { fix_attempts: r.added, fix_attempts_present: r.already_present, fix_attempts_superseded: r.superseded_by_archive, fix_archive: r.archive_merged, fix_tombstones: r.tombstones_added, fix_changes: r.changes };
  },
};
