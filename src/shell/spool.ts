// The spool: what the shell hooks write with builtins and the ingester moves into SQLite.
// One file per shell session (`<session>.spool`), so concurrent shells never share a file, one
// line per command, fields separated by tabs; the hooks escape \ as \\, newline as \n, tab as \t
// and CR as \r, so a record is always exactly one line:
//
//   m1 <session> <seq> <start_us> <duration_ms> <exit> <shell> <host> <user> <cwd> <command>
//
// Agents' hooks (`mem hook install`, shell-hooks/mem-agent.sh) write a second kind: the agent's
// own JSON payload as it came, read by the ingester (src/shell/agent-ingest.ts). A payload can be
// large (a command's output), more than one write, and agents run tool calls in parallel: so each
// hook run writes its own file, `<agent>-<pid>.agent`, holding one record; the payload is the last
// field and may span lines (JSON whitespace). The time is empty when the shell has no clock
// builtin: the file's modification time is when the hook ran.
//
//   a1 <agent> <received_us> <payload>
//
// A record is written by one `printf`/`print`, so it is whole unless the write failed part-way (a
// full disk): then a torn prefix stays at the end of the file, and the shell's next record is
// appended to it on the same line. A record always starts with its version and a tab, and no field
// can hold a tab, so the ingester finds where the next record starts and keeps it (see
// `splitTorn`); only the torn prefix is lost. A line without its final newline is still being
// written, or was cut and never followed: it is left for a later run, and given up on when its file
// has been idle for a while.

export const SPOOL_VERSION = 'm1';
export const AGENT_VERSION = 'a1';
export const SPOOL_SUFFIX = '.spool';
/** One agent hook run's record (see above). */
export const AGENT_SUFFIX = '.agent';
/** A spool file retired by the ingester, deleted once it is known to be fully ingested. */
export const DONE_SUFFIX = '.done';
const FIELDS = 11;

export interface SpoolRecord {
  uid: string;
  session: string;
  ts: number; // ms
  duration_ms: number | null;
  exit_code: number | null;
  shell: string;
  host: string;
  user: string;
  cwd: string;
  command: string;
}

export function unescapeField(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

export function escapeField(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

/** An agent hook's record: which agent, when the hook ran, and the payload it was given. */
export interface AgentSpoolRecord {
  kind: 'agent';
  agent: string;
  /** When the hook ran, epoch ms. */
  at: number;
  payload: string;
}

const int = (s: string | undefined): number | null => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null);

/** Parses one complete line; returns a reason string for a malformed one. */
export function parseSpoolLine(line: string): SpoolRecord | AgentSpoolRecord | string {
  if (line.startsWith(`${AGENT_VERSION}\t`)) return parseAgentLine(line);
  const f = line.split('\t');
  if (f[0] !== SPOOL_VERSION) return `unknown record version '${f[0]?.slice(0, 10)}'`;
  if (f.length !== FIELDS) return `expected ${FIELDS} fields, got ${f.length}`;
  const [, session, seq, startUs, dur, exit, shell, host, user, cwd, command] = f;
  const start = int(startUs);
  if (!session || start === null || int(seq) === null) return 'bad session, sequence or start time';
  return {
    uid: `${session}:${seq}:${startUs}`,
    session: session,
    ts: Math.floor(start / 1000),
    duration_ms: int(dur),
    exit_code: int(exit),
    shell: shell!,
    host: unescapeField(host!),
    user: unescapeField(user!),
    cwd: unescapeField(cwd!),
    command: unescapeField(command!),
  };
}

function parseAgentLine(line: string, fallbackUs: number | null = null): AgentSpoolRecord | string {
  const a = line.indexOf('\t', 3);
  const b = a < 0 ? -1 : line.indexOf('\t', a + 1);
  if (b < 0) return 'expected 4 fields in an agent record';
  const agent = line.slice(3, a);
  const time = line.slice(a + 1, b);
  const us = time === '' ? fallbackUs : int(time);
  const payload = line.slice(b + 1);
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(agent) || us === null) return 'bad agent or time in an agent record';
  if (!payload.trimStart().startsWith('{')) return 'an agent record without a JSON payload';
  return { kind: 'agent', agent, at: Math.floor(us / 1000), payload };
}

/** The record of an agent hook's file; `mtimeMs` stands in for a time the hook could not write. */
export function parseAgentFile(text: string, mtimeMs: number): AgentSpoolRecord | string {
  return parseAgentLine(text.replace(/\n+$/, ''), Math.round(mtimeMs * 1000));
}

const RECORD_START = new RegExp(`(?:${SPOOL_VERSION}|${AGENT_VERSION})\t`, 'g');

/**
 * A line that is a torn record followed by a whole one: the torn prefix and the record after it.
 * The first place after the start where a version tag begins a well-formed record is the start of
 * the appended record (a start inside the torn prefix would give the line too many fields).
 */
export function splitTorn(line: string): { torn: string; record: SpoolRecord | AgentSpoolRecord } | null {
  for (const m of line.matchAll(RECORD_START)) {
    if (m.index === 0) continue;
    const record = parseSpoolLine(line.slice(m.index));
    if (typeof record !== 'string') return { torn: line.slice(0, m.index), record };
  }
  return null;
}
