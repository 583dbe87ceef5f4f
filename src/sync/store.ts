// The local side of team sync: the change log the triggers fill (migration 8), the per-origin
// cursors, the clock, and applying what other stores pushed. Records are read and written through
// each capability's own store and bundle part (the same validation as `mem import`).
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import { storeId } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { fixesBundle } from '../fixes/bundle.js';
import { FixMaintenance, FixStore, type ArchiveRow, type ExportedAttempt } from '../fixes/store/attempts.js';
import { InputError } from '../errors.js';
import { memoryBundle } from '../memory/bundle.js';
import { MemoryStore } from '../memory/store/memories.js';
import { redactDeep, redactString } from '../redact/index.js';
import { shellBundle } from '../shell/bundle.js';
import { ShellStore, type CommandRecord } from '../shell/store/commands.js';
import { isObj } from '../util/json.js';
import type { HubOp } from './hub.js';

export interface LogEntry {
  seq: number;
  kind: string;
  key: string;
  op: HubOp['op'];
  hlc: string;
}

export interface ApplyReport {
  applied: number;
  skipped: number;
  memories: number;
  commands_changed: boolean;
}

const HLC = /^(\d{13})\.(\d{6})$/;

export class SyncStore {
  constructor(readonly db: Db) {}

  /** This store's sequence on the hub: its store id, until a restore or a copy forked it (rekey). */
  get origin(): string {
    return this.state('origin') ?? storeId(this.db);
  }

  /**
   * The hub holds other operations under this store's sequence numbers: the store was restored from
   * a backup or copied. Its log goes to the hub again under a new origin; receivers already holding
   * a record keep it once (ids dedupe, clocks decide).
   */
  rekey(): string {
    const origin = randomUUID();
    writeTx(this.db, () => {
      this.setState('origin', origin);
      this.setState('pushed', '0');
    });
    return origin;
  }

  state(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined;
  }

  setState(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM sync_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  flags(): { logging: boolean; shell: boolean } {
    const r = this.db.prepare('SELECT logging, shell FROM sync_clock').get() as { logging: number; shell: number };
    return { logging: r.logging === 1, shell: r.shell === 1 };
  }

  /**
   * Turns logging on; what the store held before (all of it the first time, its commands when
   * sync.shell is turned on later) is logged once, as changes made now. One transaction.
   */
  enable(shell: boolean): { backfilled: number } {
    return writeTx(this.db, () => {
      const db = this.db;
      const before = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM sync_log').pluck();
      const start = before.get() as number;
      // Backfill with logging off (the statements below log explicitly), one clock value each.
      db.prepare('UPDATE sync_clock SET logging = 0').run();
      const tick = () => {
        db.prepare("UPDATE sync_clock SET c = CASE WHEN ? > ms THEN 0 ELSE c + 1 END, ms = MAX(ms, ?)").run(Date.now(), Date.now());
        return db.prepare("SELECT printf('%013d.%06d', ms, c) FROM sync_clock").pluck().get() as string;
      };
      if (!this.state('backfilled')) {
        const hlc = tick();
        const ins = (sql: string) => db.prepare(sql).run(hlc);
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fix', uid, 'put', ? FROM fix_attempts ORDER BY id");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fix', uid, 'del', ? FROM fix_tombstones");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fixarch', json_array(origin, day, issue_signature, model_name, fixer_type, fix_key), 'set', ? FROM fix_archive");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT k.kind, m.id, 'set', ? FROM memories m, (SELECT 'mem' AS kind UNION ALL SELECT 'memdel') k ORDER BY m.n, k.kind");
        ins(
          "INSERT INTO sync_log (kind, key, op, hlc) SELECT 'audit', memory_id || '/' || at || '/' || action || '/' || (SELECT value FROM meta WHERE key = 'store_id'), 'put', ? FROM memory_audit ORDER BY id",
        );
        // The versions this store holds of its memories' registers (a remote older one must not win).
        db.prepare(
          "INSERT OR IGNORE INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE seq > ? AND kind IN ('mem', 'memdel')",
        ).run(start);
        this.setState('backfilled', '1');
      }
      if (shell && !this.state('backfilled_shell')) {
        db.prepare("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'cmd', uid, 'put', ? FROM commands ORDER BY id").run(tick());
        this.setState('backfilled_shell', '1');
      }
      db.prepare('UPDATE sync_clock SET logging = 1, shell = ?').run(shell ? 1 : 0);
      return { backfilled: (before.get() as number) - start };
    });
  }

  pushed(): number {
    return Number(this.state('pushed') ?? 0);
  }

  /** Changes not on the hub yet, oldest first. */
  pending(limit: number): LogEntry[] {
    return this.db.prepare('SELECT seq, kind, key, op, hlc FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?').all(this.pushed(), limit) as LogEntry[];
  }

  pendingCount(): number {
    return this.db.prepare('SELECT COUNT(*) FROM sync_log WHERE seq > ?').pluck().get(this.pushed()) as number;
  }

  /**
   * The hub operations for logged changes: each record as it is now (as a bundle carries it,
   * redacted again), or no body when it is gone since (a later entry says so).
   */
  toOps(entries: readonly LogEntry[]): HubOp[] {
    const fixes = new FixMaintenance(this.db);
    const memories = new MemoryStore(this.db);
    const shell = new ShellStore(this.db);
    const origin = this.origin;
    return entries.map((e) => {
      let key = e.key;
      let body: unknown = null;
      if (e.op !== 'del') {
        switch (e.kind) {
          case 'fix':
            body = fixes.exportAttempt(e.key) ?? null;
            break;
          case 'fixarch':
            body = fixes.exportArchiveRow(e.key) ?? null;
            break;
          case 'cmd':
            body = shell.exportRow(e.key) ?? null;
            break;
          case 'mem':
          case 'memdel': {
            const r = memories.exportRow(e.key);
            body = r ? (e.kind === 'memdel' ? { deleted_at: r.deleted_at } : memoryBody(r)) : null;
            break;
          }
          case 'audit': {
            // local key memory_id/at/action/store; on the hub the key is the memory id, so that
            // purging a memory blanks its audit trail with it.
            const [memoryId, at, action] = e.key.split('/') as [string, string, string];
            const r = memories.exportAuditEntry(memoryId, Number(at), action);
            key = memoryId;
            body = r ? { ...r, changes: JSON.parse(r.changes as string) as unknown } : null;
            break;
          }
        }
      }
      if (body !== null) body = redactRecord(body as Record<string, unknown>);
      return { origin, seq: e.seq, kind: e.kind, key, op: e.op, hlc: e.hlc, body };
    });
  }

  markPushed(seq: number): void {
    writeTx(this.db, () => {
      if (seq > this.pushed()) this.setState('pushed', String(seq));
    });
  }

  cursors(): Map<string, number> {
    return new Map((this.db.prepare('SELECT origin, seq FROM sync_cursors').all() as { origin: string; seq: number }[]).map((r) => [r.origin, r.seq]));
  }

  /**
   * Applies one origin's operations (in its seq order) in one transaction with the cursor moved
   * past them: a pull cut short applies none or all of a batch, never one twice. Nothing applied
   * is logged as a change of this store. `onCommandsChanged` runs inside that transaction when
   * commands were rewritten or deleted (another store pruned or redacted them).
   */
  apply(origin: string, ops: readonly HubOp[], o: { onCommandsChanged?: () => void } = {}): ApplyReport {
    const db = this.db;
    const report: ApplyReport = { applied: 0, skipped: 0, memories: 0, commands_changed: false };
    if (!ops.length) return report;
    writeTx(db, () => {
      const cursor = (db.prepare('SELECT seq FROM sync_cursors WHERE origin = ?').pluck().get(origin) as number | undefined) ?? 0;
      db.prepare('UPDATE sync_clock SET logging = 0').run();
      const version = db.prepare('SELECT hlc, origin FROM sync_versions WHERE kind = ? AND key = ?');
      const setVersion = db.prepare(
        'INSERT INTO sync_versions (kind, key, hlc, origin, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = excluded.value',
      );
      const tomb = db.prepare('SELECT 1 FROM sync_tombstones WHERE kind = ? AND key = ?');
      const delValue = db.prepare("SELECT value FROM sync_versions WHERE kind = 'memdel' AND key = ?").pluck();
      const addTomb = db.prepare('INSERT OR IGNORE INTO sync_tombstones (kind, key) VALUES (?, ?)');
      // Newest clock wins; equal clocks are ordered by store id.
      const newer = (o: HubOp) => {
        const v = version.get(o.kind, o.key) as { hlc: string; origin: string } | undefined;
        if (v && (v.hlc > o.hlc || (v.hlc === o.hlc && v.origin >= origin))) return false;
        setVersion.run(o.kind, o.key, o.hlc, origin, o.kind === 'memdel' ? JSON.stringify(o.body) : null);
        return true;
      };
      const fixPut = new Map<string, ExportedAttempt>();
      const fixSet = new Map<string, ExportedAttempt>();
      const fixDel: string[] = [];
      const archive: ArchiveRow[] = [];
      const cmdPut = new Map<string, CommandRecord>();
      const cmdSet = new Map<string, CommandRecord>();
      const cmdDel: string[] = [];
      const memories = new MemoryStore(db);
      const one = (section: string, body: unknown) => (name: string) => (name === section ? [body] : []);
      const attempt = (body: unknown) => fixesBundle.parse(one('fix_attempts', body)).attempts[0]!;
      const command = (body: unknown) => shellBundle.parse(one('commands', body))[0]!;
      let maxMs = 0;
      for (const o of ops) {
        if (o.seq <= cursor) continue;
        const m = HLC.exec(o.hlc);
        if (m) maxMs = Math.max(maxMs, Number(m[1]));
        if (o.body === null && o.op !== 'del') {
          report.skipped++; // superseded, deleted or purged since
          continue;
        }
        try {
          if (this.applyOne(o, { fixPut, fixSet, fixDel, archive, cmdPut, cmdSet, cmdDel, memories, attempt, command, newer, tomb, addTomb, delValue, report })) report.applied++;
          else report.skipped++;
        } catch (err) {
          // A record this mem cannot read (damaged, or from a newer mem): skipped, not fatal.
          if (err instanceof InputError) report.skipped++;
          else throw err;
        }
      }
      if (fixPut.size && !fixSet.size && !fixDel.length && !archive.length) new FixStore(db).insertSynced([...fixPut.values()]);
      else if (fixPut.size || fixSet.size || fixDel.length || archive.length) {
        const fixes = new FixMaintenance(db);
        fixes.dropForRewrite([...fixSet.keys()]);
        fixes.import({ attempts: [...fixPut.values(), ...fixSet.values()], archive, tombstones: fixDel, notes: [] });
      }
      if (cmdPut.size || cmdSet.size || cmdDel.length) {
        const shell = new ShellStore(db);
        shell.insert([...cmdPut.values()]);
        if (cmdSet.size || cmdDel.length) {
          shell.applySynced([...cmdSet.values()], cmdDel);
          report.commands_changed = true;
          // In this transaction: what was learned from the changed commands never outlives them,
          // even when the process dies before it relearns.
          o.onCommandsChanged?.();
        }
      }
      // The clock never runs behind what it has seen.
      db.prepare('UPDATE sync_clock SET ms = MAX(ms, ?), logging = 1').run(maxMs);
      db.prepare('INSERT INTO sync_cursors (origin, seq) VALUES (?, ?) ON CONFLICT (origin) DO UPDATE SET seq = MAX(seq, excluded.seq)').run(origin, ops[ops.length - 1]!.seq);
    });
    return report;
  }

  /** One operation: immutable records are collected for one bulk insert, registers merged now. Returns false when it changed nothing. */
  private applyOne(o: HubOp, b: Batch): boolean {
    switch (o.kind) {
      case 'fix':
        if (o.op === 'del') {
          b.fixDel.push(o.key);
          b.fixPut.delete(o.key);
          b.fixSet.delete(o.key);
        } else if (o.op === 'set') {
          const a = b.attempt(o.body);
          if (!b.newer(o)) return false;
          b.fixSet.set(o.key, a);
        } else b.fixPut.set(o.key, b.attempt(o.body));
        return true;
      case 'fixarch':
        b.archive.push(...fixesBundle.parse((name) => (name === 'fix_archive' ? [o.body] : [])).archive);
        return true;
      case 'cmd':
        if (b.tomb.get('cmd', o.key)) return false;
        if (o.op === 'del') {
          b.addTomb.run('cmd', o.key);
          b.cmdDel.push(o.key);
          b.cmdPut.delete(o.key);
          b.cmdSet.delete(o.key);
        } else if (o.op === 'set') {
          const c = b.command(o.body);
          if (!b.newer(o)) return false;
          b.cmdSet.set(o.key, c);
        } else b.cmdPut.set(o.key, b.command(o.body));
        return true;
      case 'mem': {
        if (b.tomb.get('mem', o.key)) return false;
        if (o.op === 'del') {
          b.addTomb.run('mem', o.key);
          b.memories.purgeSynced(o.key);
          b.report.memories++;
          return true;
        }
        const parsed = memoryBundle.parse((name) => (name === 'memories' ? [o.body] : [])).memories[0]!;
        if (parsed.id !== o.key || !b.newer(o)) return false;
        // The deleted state is its own register: a delete that arrived first holds.
        const del = b.delValue.get(o.key) as string | null | undefined;
        const deletedAt = del ? ((JSON.parse(del) as { deleted_at?: number | null }).deleted_at ?? null) : (b.memories.exportRow(o.key)?.deleted_at as number | null | undefined) ?? parsed.deleted_at;
        b.memories.putSynced({ ...parsed, deleted_at: deletedAt });
        b.report.memories++;
        return true;
      }
      case 'memdel':
        if (b.tomb.get('mem', o.key) || !isObj(o.body) || !b.newer(o)) return false;
        b.memories.setDeletedSynced(o.key, typeof o.body.deleted_at === 'number' ? o.body.deleted_at : null);
        return true;
      case 'audit': {
        const a = memoryBundle.parse((name) => (name === 'memory_audit' ? [o.body] : [])).audit[0]!;
        // The purge entry outlives its memory: it is the record that the memory was purged.
        if (b.tomb.get('mem', a.memory_id) && a.action !== 'purge') return false;
        return b.memories.auditSynced(a);
      }
      default:
        return false; // a kind a newer mem syncs: kept on the hub, not understood here
    }
  }
}

interface Batch {
  fixPut: Map<string, ExportedAttempt>;
  fixSet: Map<string, ExportedAttempt>;
  fixDel: string[];
  archive: ArchiveRow[];
  cmdPut: Map<string, CommandRecord>;
  cmdSet: Map<string, CommandRecord>;
  cmdDel: string[];
  memories: MemoryStore;
  attempt: (body: unknown) => ExportedAttempt;
  command: (body: unknown) => CommandRecord;
  newer: (o: HubOp) => boolean;
  tomb: Statement;
  addTomb: Statement;
  delValue: Statement;
  report: ApplyReport;
}

/**
 * Redaction again before a push (a pattern added since the record was stored): every value; the
 * top-level keys are column names, so only nested objects (metadata, system_info) have their keys
 * redacted too. About half the cost of redactDeep on the whole record.
 */
function redactRecord(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'string' ? (v === '' ? v : redactString(v)) : v !== null && typeof v === 'object' ? redactDeep(v).value : v;
  return out;
}

/** A memory row as the bundle carries it (JSON columns parsed, success a boolean). */
function memoryBody(r: Record<string, unknown>): Record<string, unknown> {
  const { accessed_at: _a, reused_count: _r, ...rest } = r;
  return {
    ...rest,
    tags: JSON.parse(r.tags as string) as unknown,
    metadata: JSON.parse(r.metadata as string) as unknown,
    success: r.success === null ? null : r.success === 1,
  };
}
