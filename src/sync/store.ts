// The local side of team sync: the change log the triggers fill (migration 8), the per-origin
// cursors, the clock, and applying what other stores pushed. Records are read and written through
// each capability's own store and bundle part (the same validation as `mem import`).
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import { ensureVec, storeId } from '../db/open.js';
import { episodesBundle } from '../episodes/bundle.js';
import { patternsBundle } from '../patterns/bundle.js';
import { VECTOR_TABLES } from '../memory/store/search.js';
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
import { randomUuid } from '../util/ids.js';

export interface LogEntry {
  seq: number;
  kind: string;
  key: string;
  op: HubOp['op'];
  hlc: string;
  /** A counter's increment (memuse, pathelp, patnohelp). */
  n: number | null;
}

export interface ApplyReport {
  applied: number;
  skipped: number;
  memories: number;
  commands_changed: boolean;
  /** Vectors stored as another store computed them (same model name): not embedded again here. */
  vectors: number;
}

const HLC = /^(\d{13})\.(\d{6})$/;
/** Counters: each operation is an increment, applied once (per-origin cursors), so they add up. */
const COUNTERS: Record<string, { table: string; column: string }> = {
  memuse: { table: 'memories', column: 'reused_count' },
  pathelp: { table: 'learned_patterns', column: 'feedback_helpful' },
  patnohelp: { table: 'learned_patterns', column: 'feedback_unhelpful' },
};

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
    const origin = randomUuid();
    writeTx(this.db, () => {
      // Increments up to here reached the hub under the old origin: pushed again they would count twice.
      this.setState('counted', String(Math.max(this.pushed(), Number(this.state('counted') ?? 0))));
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
      if (!this.state('backfilled_2')) {
        // The kinds synced since schema 10: episodes and their events, learned patterns, model notes,
        // vectors, and the counters as one increment each.
        const hlc = tick();
        const ins = (sql: string) => db.prepare(sql).run(hlc);
        const mark = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM sync_log').pluck().get() as number;
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'ep', id, 'put', ? FROM episodes ORDER BY n");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'epev', episode_id || '/' || id, 'put', ? FROM episode_events ORDER BY id");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'pat', id, 'set', ? FROM learned_patterns ORDER BY n");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'memvec', id, 'set', ? FROM memories WHERE embedding_status = 'completed' ORDER BY n");
        ins("INSERT INTO sync_log (kind, key, op, hlc) SELECT 'note', model_name, 'set', ? FROM model_characteristics WHERE notes <> ''");
        for (const [kind, c] of Object.entries(COUNTERS)) {
          db.prepare(`INSERT INTO sync_log (kind, key, op, hlc, n) SELECT ?, id, 'put', ?, ${c.column} FROM ${c.table} WHERE ${c.column} > 0 ORDER BY n`).run(kind, hlc);
        }
        db.prepare(
          "INSERT OR IGNORE INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE seq > ? AND kind IN ('pat', 'memvec')",
        ).run(mark);
        db.prepare(
          "INSERT OR IGNORE INTO sync_versions (kind, key, hlc, origin, value) SELECT 'note', model_name, ?, (SELECT value FROM meta WHERE key = 'store_id'), notes FROM model_characteristics WHERE notes <> ''",
        ).run(hlc);
        this.setState('backfilled_2', '1');
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
    return this.db.prepare('SELECT seq, kind, key, op, hlc, n FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?').all(this.pushed(), limit) as LogEntry[];
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
    const counted = Number(this.state('counted') ?? 0);
    return entries.map((e) => {
      let key = e.key;
      let body: unknown = null;
      if (e.kind in COUNTERS) {
        // No user text in it: an increment of a record's counter.
        return { origin, seq: e.seq, kind: e.kind, key, op: e.op, hlc: e.hlc, body: e.seq <= counted || !e.n ? null : { n: e.n } };
      }
      if (e.kind === 'memvec') return { origin, seq: e.seq, kind: e.kind, key, op: e.op, hlc: e.hlc, body: this.vectorOf(e.key) };
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
          case 'ep':
            body = this.episodeRow(e.key) ?? null;
            break;
          case 'epev': {
            // local key episode_id/event rowid; on the hub the key is the episode id.
            const cut = e.key.lastIndexOf('/');
            key = e.key.slice(0, cut);
            const ev = this.db.prepare('SELECT episode_id, at, type, role, data FROM episode_events WHERE id = ? AND episode_id = ?').get(Number(e.key.slice(cut + 1)), key) as
              | Record<string, unknown>
              | undefined;
            const ep = ev && this.episodeRow(key);
            body = ev && ep ? { episode: ep, event: { ...ev, data: JSON.parse(ev.data as string) as unknown } } : null;
            break;
          }
          case 'pat': {
            const r = this.db.prepare('SELECT * FROM learned_patterns WHERE id = ?').get(e.key) as Record<string, unknown> | undefined;
            if (r) {
              // The feedback counts travel as increments (pathelp, patnohelp), never in the register.
              const { n: _n, feedback_helpful: _h, feedback_unhelpful: _u, ...rest } = r;
              for (const c of ['success_indicators', 'failure_indicators', 'recommended_context']) rest[c] = JSON.parse(rest[c] as string) as unknown;
              body = rest;
            }
            break;
          }
          case 'note': {
            const notes = this.db.prepare('SELECT notes FROM model_characteristics WHERE model_name = ?').pluck().get(e.key) as string | undefined;
            body = notes === undefined ? null : { model: e.key, notes };
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
  apply(origin: string, ops: readonly HubOp[], o: { model?: string | null; onCommandsChanged?: () => void } = {}): ApplyReport {
    const db = this.db;
    const model = o.model ?? null;
    const report: ApplyReport = { applied: 0, skipped: 0, memories: 0, commands_changed: false, vectors: 0 };
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
        setVersion.run(o.kind, o.key, o.hlc, origin, o.kind === 'memdel' ? JSON.stringify(o.body) : o.kind === 'note' && isObj(o.body) ? String(o.body.notes) : null);
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
          if (this.applyOne(o, { fixPut, fixSet, fixDel, archive, cmdPut, cmdSet, cmdDel, memories, attempt, command, newer, tomb, addTomb, delValue, report, model })) report.applied++;
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
      this.settle();
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
      case 'ep':
        return this.applyEpisode(o, b);
      case 'epev':
        return this.applyEpisodeEvent(o);
      case 'pat':
        return this.applyPattern(o, b);
      case 'note': {
        if (!isObj(o.body) || typeof o.body.notes !== 'string' || o.body.model !== o.key) throw new InputError('must be {model, notes}', undefined, 'note');
        const notes = redactString(o.body.notes);
        if (!b.newer({ ...o, body: { notes } })) return false;
        this.db.prepare('UPDATE model_characteristics SET notes = ? WHERE model_name = ?').run(notes, o.key);
        return true; // a model with no attempts here yet gets it from the register (settle)
      }
      case 'memuse':
      case 'pathelp':
      case 'patnohelp': {
        if (!isObj(o.body) || !Number.isSafeInteger(o.body.n) || (o.body.n as number) <= 0) throw new InputError('must be {n} with n a whole number from 1', undefined, o.kind);
        if (o.kind === 'memuse' && b.tomb.get('mem', o.key)) return false;
        const c = COUNTERS[o.kind]!;
        const n = o.body.n as number;
        if (this.db.prepare(`UPDATE ${c.table} SET ${c.column} = ${c.column} + ? WHERE id = ?`).run(n, o.key).changes) return true;
        // Its record has not arrived yet (another origin's): the increment waits for it (settle).
        this.db
          .prepare("INSERT INTO sync_versions (kind, key, hlc, origin, value) VALUES (?, ?, '', '', ?) ON CONFLICT (kind, key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value")
          .run(`count:${o.kind}`, o.key, n);
        return true;
      }
      case 'memvec':
        if (this.applyVector(o, b)) {
          b.report.vectors++;
          return true;
        }
        return false;
      default:
        return false; // a kind a newer mem syncs: kept on the hub, not understood here
    }
  }

  /** An episode's row (context and metrics parsed), as the bundle carries it. */
  private episodeRow(id: string): Record<string, unknown> | undefined {
    const r = this.db.prepare('SELECT id, task, context, scope, started_at, ended_at, success, metrics FROM episodes WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return { ...r, context: JSON.parse(r.context as string) as unknown, metrics: JSON.parse(r.metrics as string) as unknown };
  }

  /** Inserts an episode unless here; returns whether it was added. */
  private insertEpisode(e: Record<string, unknown>): boolean {
    return (
      this.db
        .prepare('INSERT INTO episodes (id, task, context, scope, started_at, ended_at, success, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
        .run(e.id, e.task, JSON.stringify(e.context), e.scope, e.started_at, e.ended_at, e.success, JSON.stringify(e.metrics)).changes > 0
    );
  }

  /** Immutable by id; its end is set once, and two ends differing are decided by clock. */
  private applyEpisode(o: HubOp, b: Batch): boolean {
    const e = episodesBundle.parse((name) => (name === 'episodes' ? [o.body] : [])).episodes[0]!;
    if (e.id !== o.key) return false;
    const won = o.op === 'set' && b.newer(o);
    if (this.insertEpisode(e)) return true;
    if (e.ended_at === null) return false;
    const end = this.db.prepare(`UPDATE episodes SET ended_at = ?, success = ?, metrics = ? WHERE id = ?${won ? '' : ' AND ended_at IS NULL'}`);
    return end.run(e.ended_at, e.success, JSON.stringify(e.metrics), e.id).changes > 0;
  }

  /** An event, with its episode's row (inserted first if this store has not got it yet); the same event twice is kept once. */
  private applyEpisodeEvent(o: HubOp): boolean {
    if (!isObj(o.body)) throw new InputError('must be {episode, event}', undefined, 'epev');
    const { body } = o;
    const part = episodesBundle.parse((name) => (name === 'episodes' ? [body.episode] : name === 'episode_events' ? [body.event] : []));
    const e = part.episodes[0]!;
    const v = part.events[0]!;
    if (e.id !== o.key || v.episode_id !== o.key) return false;
    this.insertEpisode(e);
    const data = JSON.stringify(v.data);
    const have = this.db.prepare('SELECT 1 FROM episode_events WHERE episode_id = ? AND at = ? AND type = ? AND role IS ? AND data = ?').get(o.key, v.at, v.type, v.role, data);
    if (have) return false;
    this.db.prepare('INSERT INTO episode_events (episode_id, at, type, role, data) VALUES (?, ?, ?, ?, ?)').run(o.key, v.at, v.type, v.role, data);
    return true;
  }

  /** A learned pattern's register (newest clock wins); its feedback counts are counters, left as they are. */
  private applyPattern(o: HubOp, b: Batch): boolean {
    const p = patternsBundle.parse((name) => (name === 'learned_patterns' ? [o.body] : []))[0]!;
    if (p.id !== o.key || !b.newer(o)) return false;
    const cols = ['id', 'type', 'match', 'scope', 'description', 'success_indicators', 'failure_indicators', 'recommended_context', 'samples', 'successes', 'confidence', 'embedding_model', 'created_at', 'updated_at'];
    const vals = cols.map((k) => (typeof p[k] === 'object' && p[k] !== null ? JSON.stringify(p[k]) : p[k]));
    this.db
      .prepare(`INSERT INTO learned_patterns (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (id) DO UPDATE SET ${cols.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`)
      .run(...vals);
    return true;
  }

  /** A memory's vector as this store computed it, with the model's name and the text it is of; null when it has none. */
  private vectorOf(id: string): Record<string, unknown> | null {
    const r = this.db.prepare("SELECT n, content_hash, embedding_model AS model, embedding_dim AS dim FROM memories WHERE id = ? AND embedding_status = 'completed' AND deleted_at IS NULL").get(id) as
      | { n: number; content_hash: string; model: string | null; dim: number | null }
      | undefined;
    const table = r?.dim ? VECTOR_TABLES[r.dim] : undefined;
    if (!r || !r.model || !table) return null;
    const v = ensureVec(this.db).prepare(`SELECT embedding FROM ${table} WHERE rowid = ?`).pluck().get(BigInt(r.n)) as Buffer | undefined;
    return v ? { model: r.model, dim: r.dim, content_hash: r.content_hash, vector: Buffer.from(v).toString('base64') } : null;
  }

  /**
   * Another store's vector: kept when this store embeds with a model of the same name and holds
   * the same text; otherwise the memory is embedded here (it stays pending).
   */
  private applyVector(o: HubOp, b: Batch): boolean {
    const v = o.body;
    if (!isObj(v) || typeof v.model !== 'string' || typeof v.content_hash !== 'string' || typeof v.vector !== 'string' || typeof v.dim !== 'number') throw new InputError('must be {model, dim, content_hash, vector}', undefined, 'memvec');
    const table = VECTOR_TABLES[v.dim];
    if (!table || v.model !== b.model) return false;
    const bytes = Buffer.from(v.vector, 'base64');
    if (bytes.length !== v.dim * 4) throw new InputError(`must hold ${v.dim} floats`, undefined, 'memvec.vector');
    const m = this.db.prepare('SELECT n, scope, content_hash FROM memories WHERE id = ? AND deleted_at IS NULL').get(o.key) as { n: number; scope: string; content_hash: string } | undefined;
    if (!m || m.content_hash !== v.content_hash || !b.newer(o)) return false;
    b.memories.dropVector(m.n);
    const vec = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    ensureVec(this.db).prepare(`INSERT INTO ${table} (rowid, scope, model, embedding) VALUES (?, ?, ?, ?)`).run(BigInt(m.n), m.scope, v.model, vec);
    this.db
      .prepare(
        "UPDATE memories SET embedding_status = 'completed', embedding_model = ?, embedding_dim = ?, embedding_updated_at = ?, embedding_error = NULL, embedding_claim = NULL, embedding_retry_at = NULL WHERE n = ?",
      )
      .run(v.model, v.dim, Date.now(), m.n);
    return true;
  }

  /**
   * After a batch: model notes whose model had no attempts here when they arrived, and counter
   * increments whose record had not arrived, are applied now that they may have.
   */
  private settle(): void {
    const db = this.db;
    db.prepare(
      `UPDATE model_characteristics SET notes = (SELECT v.value FROM sync_versions v WHERE v.kind = 'note' AND v.key = model_name)
       WHERE EXISTS (SELECT 1 FROM sync_versions v WHERE v.kind = 'note' AND v.key = model_name AND v.value IS NOT NULL AND v.value IS NOT notes)`,
    ).run();
    const waiting = db.prepare("SELECT kind, key, value FROM sync_versions WHERE kind >= 'count:' AND kind < 'count;'").all() as { kind: string; key: string; value: string }[];
    for (const w of waiting) {
      const c = COUNTERS[w.kind.slice('count:'.length)];
      if (!c || db.prepare(`UPDATE ${c.table} SET ${c.column} = ${c.column} + ? WHERE id = ?`).run(Number(w.value), w.key).changes) {
        db.prepare('DELETE FROM sync_versions WHERE kind = ? AND key = ?').run(w.kind, w.key);
      }
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
  /** The embedding model this store is configured for (null: none). */
  model: string | null;
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
