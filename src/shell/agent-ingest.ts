// Agents' hook records (`<agent>-<pid>.agent` in the spool, one record each) into the store. All
// files waiting are taken in one transaction and deleted after it commits. A crash in between
// takes them again: that is harmless, because a call's start, end and command are all keyed by
// its uid (a start or end seen twice changes nothing).
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import { redactString } from '../redact/index.js';
import { agentEvent, type AgentEvent } from './agent-payload.js';
import type { HistoryFilter } from './filters.js';
import { logRejected } from './rejected.js';
import { AGENT_SUFFIX, parseAgentFile } from './spool.js';

/** A file not finished (no final newline, or a payload cut short) is waited for this long. */
const UNFINISHED_WAIT_MS = 60_000;
/** Files taken per transaction. */
const BATCH = 2000;

export interface AgentBatch {
  files: string[];
  events: AgentEvent[];
  filtered: Record<string, number>;
  malformed: number;
}

/** The next batch of finished agent files (at most BATCH), read, redacted and filtered. */
export function readAgentFiles(spoolDir: string, filter: HistoryFilter, now: number): AgentBatch {
  const batch: AgentBatch = { files: [], events: [], filtered: {}, malformed: 0 };
  let names: string[];
  try {
    names = readdirSync(spoolDir).filter((f) => f.endsWith(AGENT_SUFFIX)).sort();
  } catch {
    return batch;
  }
  const events: AgentEvent[] = [];
  for (const name of names) {
    if (batch.files.length >= BATCH) break;
    const path = join(spoolDir, name);
    let text: string;
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // taken by a concurrent run
    }
    const stale = now - mtime > UNFINISHED_WAIT_MS;
    if (!text.endsWith('\n') && !stale) continue; // still being written
    const rec = parseAgentFile(text, mtime);
    const e = typeof rec === 'string' ? rec : agentEvent(rec);
    if (typeof e === 'string') {
      if (!stale) continue; // a payload cut short at a line end: its writer may not be done
      batch.malformed++;
      logRejected(spoolDir, now, name, e, text.slice(0, 2000).replace(/\n/g, ' '));
    } else if (e) events.push(e);
    batch.files.push(path);
  }
  const verdicts = filter.rejectAll(events.map((e) => ({ command: e.command, cwd: e.cwd })));
  for (const [i, e] of events.entries()) {
    const why = verdicts[i];
    if (why) batch.filtered[why] = (batch.filtered[why] ?? 0) + 1;
    else batch.events.push({ ...e, command: redactString(e.command), intent: e.intent === null ? null : redactString(e.intent) });
  }
  return batch;
}

/** After the batch's transaction committed. */
export function dropAgentFiles(batch: AgentBatch): void {
  for (const f of batch.files) rmSync(f, { force: true });
}

export type { Db };
