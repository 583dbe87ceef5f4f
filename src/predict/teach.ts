// Teaching command sequences explicitly (an AI agent's run, `mem learn`, `POST /learn`): each
// session becomes commands stored like captured history (filtered, redacted) and learned at once,
// so predictions change immediately.
import type { World } from '../core/world.js';
import { writeTx } from '../db/tx.js';
import { InputError, isStoreBusy } from '../errors.js';
import { redactString } from '../redact/index.js';
import { historyFilter } from '../shell/filters.js';
import { recordEvent } from '../events/store.js';
import { ingestedEvent } from '../shell/ingest.js';
import { ingestPending } from '../shell/pending.js';
import { ShellStore, type CommandRecord } from '../shell/store/commands.js';
import { isObj, shown } from '../util/json.js';
import { learnPending } from './learner.js';
import { randomUuid } from '../util/ids.js';

type Obj = Record<string, unknown>;

interface Taught {
  commands: { command: string; exit_code: number | null; cwd: string | null }[];
  outcome: 'success' | 'failure' | null;
}

export function parseSession(v: unknown, line: number): Taught {
  const fail = (field: string, why: string): never => {
    throw new InputError(why, line, field);
  };
  if (!isObj(v)) fail('(root)', 'expected a JSON object with session_commands');
  const o = v as Obj;
  if (!Array.isArray(o.session_commands) || !o.session_commands.length) fail('session_commands', 'must be a non-empty list');
  const list = o.session_commands as unknown[];
  if (list.length > 10_000) fail('session_commands', `has ${list.length} entries; the limit is 10000`);
  const outcome = o.session_outcome ?? null;
  if (outcome !== null && outcome !== 'success' && outcome !== 'failure') fail('session_outcome', `must be "success" or "failure", got ${shown(outcome)}`);
  const commands = list.map((c, i) => {
    const f = `session_commands[${i}]`;
    const e = typeof c === 'string' ? { command: c } : isObj(c) ? c : fail(f, 'must be {"command": "..."} or a string');
    if (typeof e.command !== 'string' || !e.command.trim()) fail(`${f}.command`, 'must be a non-empty string');
    if ((e.command as string).length > 10_000) fail(`${f}.command`, 'is longer than 10000 characters');
    if (e.exit_code !== undefined && e.exit_code !== null && !Number.isInteger(e.exit_code)) fail(`${f}.exit_code`, 'must be an integer');
    if (e.cwd !== undefined && e.cwd !== null && typeof e.cwd !== 'string') fail(`${f}.cwd`, 'must be a string');
    return { command: e.command as string, exit_code: (e.exit_code as number | undefined) ?? null, cwd: (e.cwd as string | undefined) ?? null };
  });
  return { commands, outcome: outcome as Taught['outcome'] };
}

/** The outcome of a session says how its commands exited, where they do not say it themselves. */
function exitCodes(t: Taught): (number | null)[] {
  return t.commands.map((c, i) => c.exit_code ?? (t.outcome === 'success' ? 0 : t.outcome === 'failure' && i === t.commands.length - 1 ? 1 : null));
}


export interface LearnReport {
  sessions: number;
  commands: number;
  filtered: number;
  learned: number;
}

/** Validates every session before anything is written, then stores and learns them. */
export function teach(world: World, values: readonly { line: number; value: unknown }[]): LearnReport {
  const sessions = values.map((v) => parseSession(v.value, v.line));
  const filter = historyFilter(world.config);
  const now = world.now();
  const records: CommandRecord[] = [];
  let filtered = 0;
  for (const t of sessions) {
    const session = `learn:${randomUuid()}`;
    const codes = exitCodes(t);
    const verdicts = filter.rejectAll(t.commands);
    t.commands.forEach((c, i) => {
      if (verdicts[i]) return void filtered++;
      records.push({ uid: `${session}:${i}`, command: redactString(c.command), cwd: c.cwd === null ? null : redactString(c.cwd), git_root: null, exit_code: codes[i]!, ts: now + records.length, duration_ms: null, session, shell: null, host: null, user: null, source: 'learn' });
    });
  }
  ingestPending(world, 0); // keep capture order: what the shell spooled before this comes first
  const db = world.db();
  writeTx(db, () => {
    const added = new ShellStore(db).insert(records);
    if (added.length) recordEvent(db, 'command.ingested', ingestedEvent(added, 'learn'), now);
  });
  // Stored: from here nothing is lost, and failing now would have the caller teach them twice.
  // Learning is derived; a store kept busy past the timeout leaves it to the next learner (the
  // background ingester, `mem predict`), which picks up where learning stopped.
  let learned = 0;
  try {
    learned = learnPending(db, { now, train: false, agents: world.config.get<boolean>('predict.include_agents') }).learned;
  } catch (err) {
    if (!isStoreBusy(err)) throw err;
  }
  return { sessions: sessions.length, commands: records.length, filtered, learned };
}
