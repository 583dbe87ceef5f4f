// Intent-named reads and writes of fix attempts, their archive and tombstones.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open.js';
import { storeId } from '../../db/open.js';
import { writeTx } from '../../db/tx.js';
import { recordEvent } from '../../events/store.js';
import { Aggregator, contributionOf, rebuildAggregates, type AttemptRow, type Contribution } from './aggregates.js';
import type { FixAttemptInput } from '../input.js';
import { fixKey, issueSignature, modelFamily } from '../signature.js';
import { streamed } from '../../db/rows.js';
import { randomUuid } from '../../util/ids.js';

/** An attempt as commands return it (and as it is exported). */
export interface FixAttempt {
  id: number;
  uid: string;
  timestamp: string;
  model: string;
  model_family: string;
  issue_type: string;
  issue_signature: string;
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

/** An attempt read from an export bundle: its identity and its validated fields. */
export interface ExportedAttempt {
  uid: string;
  input: FixAttemptInput;
}

interface DbAttempt extends AttemptRow {
  id: number;
  uid: string;
  actual_response: string;
  analysis: string;
  confidence: number | null;
  verification_success: number | null;
  system_info: string;
  notes: string;
  extra: string;
}

export function toAttempt(r: DbAttempt): FixAttempt {
  return {
    id: r.id,
    uid: r.uid,
    timestamp: new Date(r.ts).toISOString(),
    model: r.model_name,
    model_family: r.model_family,
    issue_type: r.issue_type,
    issue_signature: r.issue_signature,
    description: r.description,
    test_prompt: r.test_prompt,
    actual_response: r.actual_response,
    fixer_type: r.fixer_type,
    analysis: r.analysis,
    confidence: r.confidence,
    fix_commands: JSON.parse(r.fix_commands) as string[],
    fix_success: r.fix_success === 1,
    verification_success: r.verification_success === null ? null : r.verification_success === 1,
    execution_time: r.execution_time,
    system_info: JSON.parse(r.system_info) as Record<string, unknown>,
    notes: r.notes,
    extra: JSON.parse(r.extra) as Record<string, unknown>,
  };
}

export interface RecordResult {
  id: number;
  issue_signature: string;
  /** False when an attempt with the same client-supplied uid was already stored. */
  created: boolean;
}

export class FixStore {
  constructor(readonly db: Db) {}

  private insertStmt() {
    return this.db.prepare(`
      INSERT INTO fix_attempts (uid, ts, model_name, model_family, issue_type, issue_signature, description, test_prompt,
        actual_response, fixer_type, analysis, confidence, fix_commands, fix_key, fix_success, verification_success,
        execution_time, system_info, notes, extra)
      VALUES (@uid, @ts, @model_name, @model_family, @issue_type, @issue_signature, @description, @test_prompt,
        @actual_response, @fixer_type, @analysis, @confidence, @fix_commands, @fix_key, @fix_success, @verification_success,
        @execution_time, @system_info, @notes, @extra)
      ON CONFLICT (uid) DO NOTHING`);
  }

  /** Stores attempts and updates every aggregate, all in one transaction. */
  record(inputs: readonly FixAttemptInput[], now: number): RecordResult[] {
    const insert = this.insertStmt();
    const agg = new Aggregator(this.db);
    return writeTx(this.db, () =>
      inputs.map((a) => {
        const row = rowOf(a, a.uid ?? randomUuid(), a.ts ?? now);
        const r = insert.run(row);
        // A client-supplied uid seen before is the same attempt again: recorded once.
        if (r.changes === 0) return { id: this.idOf(row.uid), issue_signature: row.issue_signature, created: false };
        agg.apply(contributionOf(row));
        const id = Number(r.lastInsertRowid);
        recordEvent(
          this.db,
          'fix.recorded',
          { id, issue_signature: row.issue_signature, model: row.model_name, issue_type: row.issue_type, fixer_type: row.fixer_type, fix_success: row.fix_success === 1 },
          now,
        );
        return { id, issue_signature: row.issue_signature, created: true };
      }),
    );
  }

  private idOf(uid: string): number {
    return (this.db.prepare('SELECT id FROM fix_attempts WHERE uid = ?').pluck().get(uid) as number | undefined) ?? 0;
  }

  /** Inserts attempts from a bundle, keeping their uids; returns how many were new. Caller holds a transaction. */
  insertExported(attempts: readonly ExportedAttempt[]): number {
    const insert = this.insertStmt();
    let added = 0;
    for (const a of attempts) added += insert.run(rowOf(a.input, a.uid, a.input.ts ?? 0)).changes;
    return added;
  }

  /**
   * Attempts pulled from the team hub: new ones inserted (a tombstoned uid never comes back) and
   * counted into the aggregates as they go, like `record`, instead of a rebuild per batch.
   * Caller holds the transaction. Returns how many were new.
   */
  insertSynced(attempts: readonly ExportedAttempt[]): number {
    const insert = this.insertStmt();
    const agg = new Aggregator(this.db);
    const tomb = this.db.prepare('SELECT 1 FROM fix_tombstones WHERE uid = ?');
    let added = 0;
    for (const a of attempts) {
      if (tomb.get(a.uid)) continue;
      const row = rowOf(a.input, a.uid, a.input.ts ?? 0);
      if (insert.run(row).changes === 0) continue;
      agg.apply(contributionOf(row));
      added++;
    }
    return added;
  }

  get(id: number): FixAttempt | undefined {
    const r = this.db.prepare('SELECT * FROM fix_attempts WHERE id = ?').get(id) as DbAttempt | undefined;
    return r && toAttempt(r);
  }

  /** Successful first, then newest. */
  bySignature(signature: string, limit: number): FixAttempt[] {
    return this.list('issue_signature = ?', [signature], limit);
  }

  byModelAndType(model: string, type: string, excludeSignature: string | null, limit: number): FixAttempt[] {
    return this.list('model_name = ? AND issue_type = ? AND issue_signature IS NOT ?', [model, type, excludeSignature], limit);
  }

  byType(type: string, excludeModel: string | null, excludeSignature: string | null, limit: number): FixAttempt[] {
    return this.list('issue_type = ? AND model_name IS NOT ? AND issue_signature IS NOT ?', [type, excludeModel, excludeSignature], limit);
  }

  byModel(model: string, limit: number): FixAttempt[] {
    return this.list('model_name = ?', [model], limit, 'ts DESC');
  }

  since(sinceMs: number, limit: number): FixAttempt[] {
    return this.list('ts >= ?', [sinceMs], limit, 'ts DESC');
  }

  private list(where: string, params: unknown[], limit: number, order = 'fix_success DESC, ts DESC'): FixAttempt[] {
    const rows = this.db.prepare(`SELECT * FROM fix_attempts WHERE ${where} ORDER BY ${order} LIMIT ?`).all(...params, limit) as DbAttempt[];
    return rows.map(toAttempt);
  }
}

function rowOf(a: FixAttemptInput, uid: string, ts: number) {
  const commands = JSON.stringify(a.fix_commands);
  return {
    uid,
    ts,
    model_name: a.model.trim(),
    model_family: modelFamily(a.model),
    issue_type: a.issue_type,
    issue_signature: issueSignature(a),
    description: a.description,
    test_prompt: a.test_prompt,
    actual_response: a.actual_response,
    fixer_type: a.fixer_type,
    analysis: a.analysis,
    confidence: a.confidence,
    fix_commands: commands,
    fix_key: fixKey(a.fix_commands),
    fix_success: a.fix_success ? 1 : 0,
    verification_success: a.verification_success === null ? null : a.verification_success ? 1 : 0,
    execution_time: a.execution_time,
    system_info: JSON.stringify(a.system_info),
    notes: a.notes,
    extra: JSON.stringify(a.extra),
  };
}


/** An archive row: attempts removed by cleanup, rolled up per origin store, day, issue, model, fixer and fix. */
export interface ArchiveRow extends Contribution {
  origin: string;
}

/** What the fix capability holds beyond live attempts, as a bundle carries it. */
export interface FixBundle {
  attempts: readonly ExportedAttempt[];
  archive: readonly ArchiveRow[];
  tombstones: readonly string[];
  notes: readonly { model: string; notes: string }[];
}

export interface FixImport {
  added: number;
  already_present: number;
  superseded_by_archive: number;
  archive_merged: number;
  tombstones_added: number;
  /** Records added, merged or removed: zero when the bundle held nothing new. */
  changes: number;
}

/** Bundle sections, cleanup and prune of fix attempts. The caller holds the transaction where noted. */
export class FixMaintenance {
  constructor(readonly db: Db) {}
  private byUid?: Statement;

  /** Every section, streamed (the caller holds a read transaction for one snapshot). */
  exportSections(): [string, Iterable<unknown>][] {
    const db = this.db;
    return [
      ['fix_attempts', map(streamed(() => db.prepare('SELECT * FROM fix_attempts ORDER BY id').iterate()), (r) => withoutId(toAttempt(r as DbAttempt)))],
      ['fix_archive', streamed(() => db.prepare('SELECT * FROM fix_archive').iterate())],
      ['fix_tombstones', streamed(() => db.prepare('SELECT uid FROM fix_tombstones').pluck().iterate())],
      ['model_notes', streamed(() => db.prepare("SELECT model_name AS model, notes FROM model_characteristics WHERE notes <> ''").iterate())],
    ];
  }

  /** Merges a validated bundle part. Caller holds the transaction. */
  import(b: FixBundle): FixImport {
    const db = this.db;
    const tomb = db.prepare('INSERT OR IGNORE INTO fix_tombstones (uid) VALUES (?)');
    const dropRaw = db.prepare('DELETE FROM fix_attempts WHERE uid = ?');
    let tombAdded = 0;
    let rawDropped = 0;
    for (const uid of b.tombstones) {
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
    for (const r of b.archive) {
      const { origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name, fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts } = r;
      merged += mergeArchive.run({ origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name, fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts }).changes;
    }
    const isTomb = db.prepare('SELECT 1 FROM fix_tombstones WHERE uid = ?');
    const fresh = b.attempts.filter((a) => !isTomb.get(a.uid));
    const insert = new FixStore(db);
    const added = insert.insertExported(fresh);
    const changes = added + merged + rawDropped + tombAdded;
    if (changes > 0) rebuildAggregates(db);
    const setNotes = db.prepare("UPDATE model_characteristics SET notes = ? WHERE model_name = ? AND notes = ''");
    for (const n of b.notes) setNotes.run(n.notes, n.model);
    return { added, already_present: fresh.length - added, superseded_by_archive: b.attempts.length - fresh.length + rawDropped, archive_merged: merged, tombstones_added: tombAdded, changes };
  }

  /** One attempt as the bundle carries it, by uid (team sync pushes it). */
  exportAttempt(uid: string): Omit<FixAttempt, 'id'> | undefined {
    this.byUid ??= this.db.prepare('SELECT * FROM fix_attempts WHERE uid = ?');
    const r = this.byUid.get(uid) as DbAttempt | undefined;
    return r ? withoutId(toAttempt(r)) : undefined;
  }

  /** One archive row by its key (a JSON array of the key columns). */
  exportArchiveRow(key: string): Record<string, unknown> | undefined {
    const k = JSON.parse(key) as string[];
    return this.db.prepare('SELECT * FROM fix_archive WHERE origin = ? AND day = ? AND issue_signature = ? AND model_name = ? AND fixer_type = ? AND fix_key = ?').get(...k) as
      | Record<string, unknown>
      | undefined;
  }

  /** Drops attempts another store rewrote (team sync), so that the import inserts the new version. Caller holds the transaction. */
  dropForRewrite(uids: readonly string[]): number {
    const del = this.db.prepare('DELETE FROM fix_attempts WHERE uid = ?');
    let n = 0;
    for (const u of uids) n += del.run(u).changes;
    return n;
  }

  countOlderThan(cutoffMs: number): number {
    return this.db.prepare('SELECT COUNT(*) FROM fix_attempts WHERE ts < ?').pluck().get(cutoffMs) as number;
  }

  /**
   * Rolls attempts older than the cut-off into the archive, tombstones their uids and deletes them,
   * in one transaction: every aggregate is unchanged. Returns the archive rows written.
   */
  archiveOlderThan(cutoffMs: number): number {
    const db = this.db;
    return writeTx(db, () => {
      const rows = db
        .prepare(
          `INSERT INTO fix_archive (origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name,
             fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts)
           SELECT ?, strftime('%Y-%m-%d', a.ts / 1000, 'unixepoch'), a.issue_signature, a.model_name, a.fixer_type, a.fix_key,
             a.issue_type, a.model_family, COALESCE(p.name, a.issue_type), a.fix_commands, COUNT(*), SUM(a.fix_success),
             COALESCE(SUM(a.execution_time), 0), COUNT(a.execution_time), MIN(a.ts), MAX(a.ts)
           FROM fix_attempts a LEFT JOIN issue_patterns p USING (issue_signature)
           WHERE a.ts < ?
           GROUP BY 2, a.issue_signature, a.model_name, a.fixer_type, a.fix_key
           ON CONFLICT (origin, day, issue_signature, model_name, fixer_type, fix_key) DO UPDATE SET
             attempts = attempts + excluded.attempts, successes = successes + excluded.successes,
             exec_time_sum = exec_time_sum + excluded.exec_time_sum, exec_count = exec_count + excluded.exec_count,
             first_ts = MIN(first_ts, excluded.first_ts), last_ts = MAX(last_ts, excluded.last_ts)`,
        )
        .run(storeId(db), cutoffMs).changes;
      db.prepare('INSERT OR IGNORE INTO fix_tombstones (uid) SELECT uid FROM fix_attempts WHERE ts < ?').run(cutoffMs);
      db.prepare('DELETE FROM fix_attempts WHERE ts < ?').run(cutoffMs);
      return rows;
    });
  }

  /**
   * Passes every stored attempt through `clean` (redaction) and writes back those it changes,
   * rebuilding the aggregates when any did. Caller holds the transaction. Returns the count changed.
   */
  rewrite(clean: (a: FixAttempt) => FixAttempt, dryRun: boolean): number {
    const db = this.db;
    const update = db.prepare(`UPDATE fix_attempts SET model_name = @model_name, model_family = @model_family, issue_signature = @issue_signature,
      description = @description, test_prompt = @test_prompt, actual_response = @actual_response, fixer_type = @fixer_type, analysis = @analysis,
      fix_commands = @fix_commands, fix_key = @fix_key, system_info = @system_info, notes = @notes, extra = @extra WHERE id = @id`);
    const page = db.prepare('SELECT * FROM fix_attempts WHERE id > ? ORDER BY id LIMIT 2000');
    let changed = 0;
    for (let last = 0; ; ) {
      const rows = page.all(last) as DbAttempt[];
      if (!rows.length) break;
      last = rows[rows.length - 1]!.id;
      for (const r of rows) {
        const before = toAttempt(r);
        const after = clean(before);
        if (JSON.stringify(after) === JSON.stringify(before)) continue;
        changed++;
        if (dryRun) continue;
        const row = rowOf({ ...after, ts: r.ts, issue_type: after.issue_type }, r.uid, r.ts);
        update.run({ ...row, id: r.id });
      }
    }
    if (changed && !dryRun) rebuildAggregates(db);
    return changed;
  }

  /** Attempts the aggregates account for, against raw plus archived ones (doctor). */
  accounting(): { expected: number; counted: number } {
    const n = (sql: string) => this.db.prepare(sql).pluck().get() as number;
    return {
      expected: n('SELECT COUNT(*) FROM fix_attempts') + n('SELECT COALESCE(SUM(attempts), 0) FROM fix_archive'),
      counted: n('SELECT COALESCE(SUM(attempts), 0) FROM fix_daily'),
    };
  }
}

function* map<T, U>(it: Iterable<T>, f: (t: T) => U): Iterable<U> {
  for (const x of it) yield f(x);
}

/** Row ids are local to a store; the uid is what identifies an attempt across stores. */
function withoutId(a: FixAttempt): Omit<FixAttempt, 'id'> {
  const { id: _id, ...rest } = a;
  return rest;
}
