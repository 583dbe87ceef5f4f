// The export bundle: one JSON document, versioned, holding every record mem stores. Derived tables
// are not exported; an import rebuilds them from what it merged. Documented in the README.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import type { Db } from '../db/open.js';
import { schemaVersion, storeId } from '../db/open.js';
import { InputError } from '../errors.js';
import { rebuildAggregates, type Contribution } from '../fixes/aggregates.js';
import { attemptFromJson } from '../fixes/input.js';
import { exportSections, importSections, parseSections, type ParsedSections, type SectionsReport } from './bundle-sections.js';
import { FixStore, toAttempt, type ExportedAttempt, type FixAttempt } from '../fixes/store.js';
import { isObj } from '../util/json.js';

export const BUNDLE_FORMAT = 'mem-bundle';
export const BUNDLE_VERSION = 1;

interface ArchiveRow extends Contribution {
  origin: string;
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  exported_at: string;
  store_id: string;
  schema_version: number;
  fix_attempts: ExportedAttempt[];
  fix_archive: ArchiveRow[];
  fix_tombstones: string[];
  model_notes: { model: string; notes: string }[];
  sections: ParsedSections;
}

/**
 * Streams the bundle to a file descriptor section by section, so a large store is never held in
 * memory as one string. Returns counts of what was written.
 */
export function writeBundle(db: Db, write: (chunk: string) => void, now: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const head = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, exported_at: new Date(now).toISOString(), store_id: storeId(db), schema_version: schemaVersion(db) };
  write(JSON.stringify(head).slice(0, -1));
  const section = (name: string, rows: Iterable<unknown>) => {
    write(`,\n"${name}": [`);
    let n = 0;
    for (const r of rows) write((n++ ? ',\n' : '\n') + JSON.stringify(r));
    write(n ? '\n]' : ']');
    counts[name] = n;
  };
  // A read transaction gives one consistent snapshot across all sections while others write.
  db.transaction(() => {
    section('fix_attempts', mapIter(db.prepare('SELECT * FROM fix_attempts ORDER BY id').iterate(), (r) => stripLocal(toAttempt(r as never))));
    section('fix_archive', db.prepare('SELECT * FROM fix_archive').iterate());
    section('fix_tombstones', mapIter(db.prepare('SELECT uid FROM fix_tombstones').iterate(), (r) => (r as { uid: string }).uid));
    section('model_notes', mapIter(db.prepare("SELECT model_name AS model, notes FROM model_characteristics WHERE notes <> ''").iterate(), (r) => r));
    for (const [name, rows] of exportSections(db)) section(name, rows);
  })();
  write('\n}\n');
  return counts;
}

function* mapIter<T, U>(it: Iterable<T>, f: (t: T) => U): Iterable<U> {
  for (const x of it) yield f(x);
}

/** Row ids are local to a store; the uid is what identifies an attempt across stores. */
function stripLocal(a: FixAttempt): Omit<FixAttempt, 'id'> {
  const { id: _id, ...rest } = a;
  return rest;
}

/** Writes via a temp file and rename, so a failed export never leaves half a bundle behind. */
export function exportToFile(db: Db, path: string, now: number): Record<string, number> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  let counts: Record<string, number>;
  try {
    counts = writeBundle(db, (c) => void writeSync(fd, c), now);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return counts;
}


/** Validates the whole bundle before anything is written; throws InputError naming the entry. */
export function parseBundle(text: string): Bundle {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not a mem bundle: malformed JSON (${(err as Error).message})`);
  }
  if (!isObj(doc) || doc.format !== BUNDLE_FORMAT) throw new InputError(`not a mem bundle (expected "format": "${BUNDLE_FORMAT}")`);
  if (doc.version !== BUNDLE_VERSION) {
    throw new InputError(`bundle version ${JSON.stringify(doc.version)} is not supported (this mem reads version ${BUNDLE_VERSION})`, undefined, 'version');
  }
  const list = (name: string): unknown[] => {
    const v = doc[name] ?? [];
    if (!Array.isArray(v)) throw new InputError('must be a list', undefined, name);
    return v;
  };
  const attempts = list('fix_attempts').map((a, i) => validateAttempt(a, i));
  const archive = list('fix_archive').map((r, i) => validateArchive(r, i));
  const tombstones = list('fix_tombstones').map((u, i) => {
    if (typeof u !== 'string' || !u) throw new InputError('must be a uid string', undefined, `fix_tombstones[${i}]`);
    return u;
  });
  const notes = list('model_notes').map((n, i) => {
    if (!isObj(n) || typeof n.model !== 'string' || typeof n.notes !== 'string') throw new InputError('must be {model, notes}', undefined, `model_notes[${i}]`);
    return { model: n.model, notes: n.notes };
  });
  return { ...(doc as unknown as Bundle), fix_attempts: attempts, fix_archive: archive, fix_tombstones: tombstones, model_notes: notes, sections: parseSections(list) };
}

function validateAttempt(a: unknown, i: number): ExportedAttempt {
  const field = `fix_attempts[${i}]`;
  if (!isObj(a) || typeof a.uid !== 'string' || !a.uid) throw new InputError('must be an attempt with a uid', undefined, field);
  // id, model_family and issue_signature are derived again on insert; the rest is validated as
  // strictly as `mem fix record --from-json` would.
  const { uid, id: _id, model_family: _f, issue_signature: _s, extra, ...flat } = a;
  try {
    return { uid: uid as string, input: { ...attemptFromJson(flat), extra: isObj(extra) ? extra : {} } };
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message, undefined, field);
    throw err;
  }
}

const ARCHIVE_TEXT = ['origin', 'day', 'issue_signature', 'model_name', 'fixer_type', 'fix_key', 'issue_type', 'model_family', 'pattern_name', 'fix_commands'];
const ARCHIVE_NUM = ['attempts', 'successes', 'exec_time_sum', 'exec_count', 'first_ts', 'last_ts'];

function validateArchive(r: unknown, i: number): ArchiveRow {
  const field = `fix_archive[${i}]`;
  if (!isObj(r)) throw new InputError('must be an object', undefined, field);
  for (const k of ARCHIVE_TEXT) if (typeof r[k] !== 'string') throw new InputError('must be a string', undefined, `${field}.${k}`);
  for (const k of ARCHIVE_NUM) if (typeof r[k] !== 'number' || !Number.isFinite(r[k]) || (r[k] as number) < 0) throw new InputError('must be a non-negative number', undefined, `${field}.${k}`);
  if ((r.successes as number) > (r.attempts as number)) throw new InputError('successes exceed attempts', undefined, field);
  return r as unknown as ArchiveRow;
}

export interface ImportReport {
  fix_attempts: { added: number; already_present: number; superseded_by_archive: number };
  fix_archive: { merged: number };
  fix_tombstones: { added: number };
  added: SectionsReport;
  changed: boolean;
}

/** Merges a validated bundle in one transaction. Importing the same bundle again changes nothing. */
export function importBundle(db: Db, b: Bundle): ImportReport {
  return db.transaction((): ImportReport => {
    const tomb = db.prepare('INSERT OR IGNORE INTO fix_tombstones (uid) VALUES (?)');
    const dropRaw = db.prepare('DELETE FROM fix_attempts WHERE uid = ?');
    let tombAdded = 0;
    let rawDropped = 0;
    for (const uid of b.fix_tombstones) {
      tombAdded += tomb.run(uid).changes;
      rawDropped += dropRaw.run(uid).changes;
    }
    // An archive row only grows at its origin, so the larger of two versions is the newer one.
    const mergeArchive = db.prepare(`
      INSERT INTO fix_archive (origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name,
        fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts)
      VALUES (@origin, @day, @issue_signature, @model_name, @fixer_type, @fix_key, @issue_type, @model_family, @pattern_name,
        @fix_commands, @attempts, @successes, @exec_time_sum, @exec_count, @first_ts, @last_ts)
      ON CONFLICT (origin, day, issue_signature, model_name, fixer_type, fix_key) DO UPDATE SET
        attempts = excluded.attempts, successes = excluded.successes, exec_time_sum = excluded.exec_time_sum,
        exec_count = excluded.exec_count, first_ts = excluded.first_ts, last_ts = excluded.last_ts
      WHERE excluded.attempts > fix_archive.attempts`);
    let merged = 0;
    for (const r of b.fix_archive) {
      const { origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name, fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts } = r;
      merged += mergeArchive.run({ origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name, fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts }).changes;
    }
    const isTomb = db.prepare('SELECT 1 FROM fix_tombstones WHERE uid = ?');
    const fresh = b.fix_attempts.filter((a) => !isTomb.get(a.uid));
    const added = new FixStore(db).insertExported(fresh);
    const setNotes = db.prepare("UPDATE model_characteristics SET notes = ? WHERE model_name = ? AND notes = ''");
    const fixesChanged = added + merged + rawDropped + tombAdded > 0;
    if (fixesChanged) rebuildAggregates(db);
    const sections = importSections(db, b.sections);
    const changed = fixesChanged || Object.values(sections).some((n) => n > 0);
    for (const n of b.model_notes) setNotes.run(n.notes, n.model);
    return {
      fix_attempts: { added, already_present: fresh.length - added, superseded_by_archive: b.fix_attempts.length - fresh.length + rawDropped },
      fix_archive: { merged },
      fix_tombstones: { added: tombAdded },
      added: sections,
      changed,
    };
  })();
}
