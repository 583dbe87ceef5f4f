// Agents' tool calls between their start and their end (table agent_calls): the two arrive in
// separate hook runs, in either order across spool files, and become one command row. Caller holds
// the transaction.
import type { Db } from '../../db/open.js';
import type { AgentEvent } from '../agent-payload.js';
import type { CommandRecord } from './commands.js';

/** A start with no end after this long is stored with an unknown exit status (a killed agent). */
export const START_TIMEOUT_MS = 60 * 60_000;
/** An end whose start never came (only PostToolUse hooked, or the start was filtered) waits this long. */
export const END_WAIT_MS = 60_000;

interface CallRow {
  uid: string;
  agent: string;
  session: string | null;
  command: string;
  intent: string | null;
  cwd: string | null;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  duration_ms: number | null;
}

export class AgentCallStore {
  constructor(readonly db: Db) {}

  /**
   * Takes in events (redacted and filtered already); returns the commands they complete, and the
   * ends that arrived for commands already stored without one (to complete in place).
   */
  apply(events: readonly AgentEvent[], gitRoot: (cwd: string | null) => string | null): { records: CommandRecord[]; late: AgentEvent[] } {
    const get = this.db.prepare('SELECT * FROM agent_calls WHERE uid = ?');
    const stored = this.db.prepare('SELECT 1 FROM commands WHERE uid = ?').pluck();
    const del = this.db.prepare('DELETE FROM agent_calls WHERE uid = ?');
    const put = this.db.prepare(`INSERT INTO agent_calls (uid, agent, session, command, intent, cwd, started_at, ended_at, exit_code, duration_ms)
      VALUES (@uid, @agent, @session, @command, @intent, @cwd, @started_at, @ended_at, @exit_code, @duration_ms)
      ON CONFLICT (uid) DO NOTHING`);
    const records: CommandRecord[] = [];
    const late: AgentEvent[] = [];
    const done = new Set<string>();
    for (const e of events) {
      if (e.phase === 'whole') {
        records.push(toRecord({ ...row(e), started_at: e.at, ended_at: e.at + (e.duration_ms ?? 0) }, gitRoot));
        continue;
      }
      const known = get.get(e.uid) as CallRow | undefined;
      if (done.has(e.uid) || stored.get(e.uid)) {
        if (e.phase === 'end') late.push(e);
        continue;
      }
      if (!known) {
        put.run({ ...row(e), started_at: e.phase === 'start' ? e.at : null, ended_at: e.phase === 'end' ? e.at : null });
        continue;
      }
      const start = e.phase === 'start' ? e : null;
      const end = e.phase === 'end' ? e : null;
      if ((start && known.started_at !== null) || (end && known.ended_at !== null)) continue; // the same record twice
      del.run(e.uid);
      done.add(e.uid);
      const merged: CallRow = start
        ? { ...known, command: start.command, intent: start.intent ?? known.intent, cwd: start.cwd ?? known.cwd, started_at: start.at }
        : { ...known, ended_at: end!.at, exit_code: end!.exit_code, duration_ms: end!.duration_ms };
      records.push(toRecord(merged, gitRoot));
    }
    return { records, late };
  }

  /** Calls waiting too long for their other half, stored as they are (and removed from here). */
  flush(now: number, gitRoot: (cwd: string | null) => string | null): CommandRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM agent_calls WHERE (ended_at IS NULL AND started_at < ?) OR (started_at IS NULL AND ended_at < ?)')
      .all(now - START_TIMEOUT_MS, now - END_WAIT_MS) as CallRow[];
    const del = this.db.prepare('DELETE FROM agent_calls WHERE uid = ?');
    for (const r of rows) del.run(r.uid);
    return rows.map((r) => toRecord(r, gitRoot));
  }

  pending(): number {
    return this.db.prepare('SELECT COUNT(*) FROM agent_calls').pluck().get() as number;
  }
}

function row(e: AgentEvent): CallRow {
  return { uid: e.uid, agent: e.agent, session: e.session, command: e.command, intent: e.intent, cwd: e.cwd, started_at: null, ended_at: null, exit_code: e.exit_code, duration_ms: e.duration_ms };
}

function toRecord(r: CallRow, gitRoot: (cwd: string | null) => string | null): CommandRecord {
  const ts = r.started_at ?? (r.ended_at! - (r.duration_ms ?? 0));
  const duration = r.duration_ms ?? (r.started_at !== null && r.ended_at !== null ? Math.max(0, r.ended_at - r.started_at) : null);
  return {
    uid: r.uid,
    command: r.command,
    cwd: r.cwd,
    git_root: gitRoot(r.cwd),
    exit_code: r.ended_at === null ? null : r.exit_code,
    ts,
    duration_ms: duration,
    session: r.session,
    shell: r.agent,
    host: null,
    user: null,
    source: 'agent',
    author: r.agent,
    author_kind: 'agent',
    intent: r.intent,
  };
}
