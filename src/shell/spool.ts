// The spool: what the shell hooks write with builtins and the ingester moves into SQLite.
// One file per shell session (`<session>.spool`), so concurrent shells never share a file, one
// line per command, fields separated by tabs; the hooks escape \ as \\, newline as \n, tab as \t
// and CR as \r, so a record is always exactly one line:
//
//   m1 <session> <seq> <start_us> <duration_ms> <exit> <shell> <host> <user> <cwd> <command>
//
// A line without its final newline is still being written (or was cut by a full disk): it is
// left for the next run, never parsed.

export const SPOOL_VERSION = 'm1';
export const SPOOL_SUFFIX = '.spool';
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

const int = (s: string | undefined): number | null => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null);

/** Parses one complete line; returns a reason string for a malformed one. */
export function parseSpoolLine(line: string): SpoolRecord | string {
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
