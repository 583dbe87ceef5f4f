// Moves spool records into the store, exactly once: a file's read offset is committed in the same
// transaction as the rows read from it, and every record has a unique uid, so a crash at any
// point neither loses nor duplicates a command. If the store is locked or the disk is full, the
// transaction fails, nothing advances, and the records wait in the spool.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import { describeSqliteError } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { recordEvent } from '../events/store.js';
import { redactString } from '../redact/index.js';
import type { HistoryFilter } from './filters.js';
import { gitRootFinder } from './gitroot.js';
import { logRejected } from './rejected.js';
import { dropAgentFiles, readAgentFiles } from './agent-ingest.js';
import { agentEvent, type AgentEvent } from './agent-payload.js';
import { DONE_SUFFIX, parseSpoolLine, splitTorn, SPOOL_SUFFIX, type AgentSpoolRecord, type SpoolRecord } from './spool.js';
import { AgentCallStore } from './store/agent-calls.js';
import { ShellStore, type CommandRecord } from './store/commands.js';
import { makeDirs } from '../util/dirs.js';

const CHUNK = 4 << 20;
/** A fully ingested spool file untouched this long is retired (its shell is idle or gone). */
const RETIRE_AFTER_MS = 60_000;

export interface IngestOptions {
  db: Db;
  dbPath: string;
  spoolDir: string;
  filter: HistoryFilter;
  now: number;
}

export interface IngestReport {
  files: number;
  read: number;
  added: number;
  filtered: Record<string, number>;
  malformed: number;
  /** Records cut short by a failed write (the record after one is kept). */
  torn: number;
  retired: number;
  /** Agents' hook records read (a call's start and end are two). */
  agent_records: number;
}

export function ingestSpool(o: IngestOptions): IngestReport {
  const report: IngestReport = { files: 0, read: 0, added: 0, filtered: {}, malformed: 0, torn: 0, retired: 0, agent_records: 0 };
  if (!existsSync(o.spoolDir)) return report;
  const store = new ShellStore(o.db);
  const calls = new AgentCallStore(o.db);
  const gitRoot = gitRootFinder();

  const names = readdirSync(o.spoolDir).filter((f) => f.endsWith(SPOOL_SUFFIX) || f.endsWith(DONE_SUFFIX)).sort();
  for (const name of names) {
    const path = join(o.spoolDir, name);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      continue; // retired by a concurrent run
    }
    try {
      report.files++;
      const st = fstatSync(fd);
      const saved = store.spoolProgress(name);
      let offset = saved && saved.inode === st.ino ? saved.offset : 0;
      while (offset < st.size) {
        const buf = Buffer.alloc(Math.min(CHUNK, st.size - offset));
        const n = readSync(fd, buf, 0, buf.length, offset);
        let end = buf.lastIndexOf(0x0a, n - 1);
        // Logged once the offset past them is committed, so a failed transaction (a locked store,
        // retried every second) does not log the same lines again.
        const rejected: [why: string, line: string, torn: boolean][] = [];
        const parsed: (SpoolRecord | AgentSpoolRecord)[] = [];
        if (end < 0) {
          // Only a partial line. Its writer may not be done, unless the file has been idle long
          // enough: then the write was cut (a full disk) and nothing will ever complete it.
          if (offset + n < st.size || o.now - st.mtimeMs <= RETIRE_AFTER_MS) break;
          report.torn++;
          rejected.push(['torn record (cut short by a failed write, never completed)', buf.subarray(0, n).toString('utf8'), true]);
          end = n - 1;
        } else {
          for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
            if (!line) continue;
            report.read++;
            const rec = parseSpoolLine(line);
            if (typeof rec !== 'string') {
              parsed.push(rec);
              continue;
            }
            const split = splitTorn(line);
            if (split) {
              report.torn++;
              rejected.push(['torn record (cut short by a failed write; the record after it was kept)', split.torn, true]);
              parsed.push(split.record);
              continue;
            }
            report.malformed++;
            rejected.push([rec, line, false]);
          }
        }
        const shell: SpoolRecord[] = [];
        const events: AgentEvent[] = [];
        for (const rec of parsed) {
          if (!('kind' in rec)) {
            shell.push(rec);
            continue;
          }
          report.agent_records++;
          const e = agentEvent(rec);
          if (typeof e === 'string') {
            report.malformed++;
            rejected.push([e, `a1\t${rec.agent}\t${rec.at}\t${rec.payload.slice(0, 2000)}`, false]);
          } else if (e) events.push(e);
        }
        // Judged in one go: user patterns run under a time budget, cheap per line only in bulk.
        const verdicts = o.filter.rejectAll([...shell, ...events].map((r) => ({ command: r.command, cwd: r.cwd || null })));
        const records: CommandRecord[] = [];
        const agentEvents: AgentEvent[] = [];
        for (const [i, rec] of [...shell, ...events].entries()) {
          const why = verdicts[i];
          if (why) {
            report.filtered[why] = (report.filtered[why] ?? 0) + 1;
            continue;
          }
          if ('phase' in rec) {
            agentEvents.push({ ...rec, command: redactString(rec.command), intent: rec.intent === null ? null : redactString(rec.intent) });
            continue;
          }
          const { uid, session, ts, duration_ms, exit_code, shell: sh, host, user, cwd, command } = rec;
          records.push({ uid, command: redactString(command), cwd: cwd || null, git_root: gitRoot(cwd || null), exit_code, ts, duration_ms, session, shell: sh, host, user, source: 'hook' });
        }
        const next = offset + end + 1;
        try {
          writeTx(o.db, () => {
            const agents = calls.apply(agentEvents, gitRoot);
            for (const e of agents.late) store.complete(e.uid, e.exit_code, e.duration_ms);
            const added = store.insert([...records, ...agents.records]);
            report.added += added.length;
            if (added.length) recordEvent(o.db, 'command.ingested', ingestedEvent(added, 'hook'), o.now);
            store.setSpoolProgress(name, st.ino, next, o.now);
          });
        } catch (err) {
          throw describeSqliteError(err, o.dbPath);
        }
        for (const [why, line, torn] of rejected) logRejected(o.spoolDir, o.now, name, why, line, torn);
        offset = next;
      }
      if (offset >= st.size && o.now - st.mtimeMs > RETIRE_AFTER_MS) report.retired += retire(o, store, name, path, st.ino, offset);
    } finally {
      closeSync(fd);
    }
  }
  ingestAgentFiles(o, report, store, calls, gitRoot);
  report.added += flushAgentCalls(o, store, calls, gitRoot);
  return report;
}

/** Agents' hook files, a batch per transaction; each batch's files go once it has committed. */
function ingestAgentFiles(o: IngestOptions, report: IngestReport, store: ShellStore, calls: AgentCallStore, gitRoot: (cwd: string | null) => string | null): void {
  for (;;) {
    const batch = readAgentFiles(o.spoolDir, o.filter, o.now);
    if (!batch.files.length) return;
    report.files += batch.files.length;
    report.read += batch.files.length;
    report.agent_records += batch.files.length;
    report.malformed += batch.malformed;
    for (const [why, n] of Object.entries(batch.filtered)) report.filtered[why] = (report.filtered[why] ?? 0) + n;
    try {
      writeTx(o.db, () => {
        const agents = calls.apply(batch.events, gitRoot);
        for (const e of agents.late) store.complete(e.uid, e.exit_code, e.duration_ms);
        const added = store.insert(agents.records);
        report.added += added.length;
        if (added.length) recordEvent(o.db, 'command.ingested', ingestedEvent(added, 'hook'), o.now);
      });
    } catch (err) {
      throw describeSqliteError(err, o.dbPath);
    }
    dropAgentFiles(batch);
    if (batch.files.length < 2000) return;
  }
}

/** Agents' calls that waited too long for their other half are stored as they are. */
function flushAgentCalls(o: IngestOptions, store: ShellStore, calls: AgentCallStore, gitRoot: (cwd: string | null) => string | null): number {
  try {
    return writeTx(o.db, () => {
      const added = store.insert(calls.flush(o.now, gitRoot));
      if (added.length) recordEvent(o.db, 'command.ingested', ingestedEvent(added, 'hook'), o.now);
      return added.length;
    });
  } catch (err) {
    throw describeSqliteError(err, o.dbPath);
  }
}

/**
 * A live `<session>.spool` is renamed to `.done` first; a shell writing at that instant still
 * writes into the renamed file, and its next command creates a new spool file. Only on a later run,
 * when a `.done` file is still fully ingested, is it deleted.
 */
function retire(o: IngestOptions, store: ShellStore, name: string, path: string, inode: number, offset: number): number {
  if (name.endsWith(DONE_SUFFIX)) {
    if (statSync(path).size !== offset) return 0;
    rmSync(path, { force: true });
    store.dropSpoolProgress(name);
    return 1;
  }
  const doneName = `${name}.${inode}${DONE_SUFFIX}`;
  writeTx(o.db, () => {
    store.setSpoolProgress(doneName, inode, offset, o.now);
    store.dropSpoolProgress(name);
  });
  renameSync(path, join(o.spoolDir, doneName));
  return 0;
}

export interface IngestStatus {
  at: string;
  ok: boolean;
  error?: string;
  report?: IngestReport;
}

export function writeStatus(dir: string, status: IngestStatus): void {
  try {
    makeDirs(dir);
    // Replaced whole (write, then rename), so `mem doctor` never reads a half-written file.
    const tmp = join(dir, `.ingest.status.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(status) + '\n', { mode: 0o600 });
    renameSync(tmp, join(dir, 'ingest.status.json'));
  } catch {
    // the status is advice for `mem doctor`; never fail ingestion over it
  }
}

/** What a follower learns of an ingested batch: how many, from which sessions, the last few lines (already redacted). */
export function ingestedEvent(added: readonly CommandRecord[], source: 'hook' | 'learn'): Record<string, unknown> {
  return {
    added: added.length,
    source,
    sessions: [...new Set(added.map((r) => r.session))].slice(0, 20),
    commands: added.slice(-10).map((r) => ({ command: r.command, cwd: r.cwd, exit_code: r.exit_code, session: r.session, ts: new Date(r.ts).toISOString() })),
  };
}
