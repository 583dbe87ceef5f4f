// atuin's history database (~/.local/share/atuin/history.db): SQLite, table `history` as created
// by atuin's client migrations: id (text), timestamp and duration (nanoseconds), exit, command,
// cwd, session, hostname (`host:user`), then deleted_at, and in later versions shell. atuin writes
// -1 for an exit code or duration it does not know and `unknown` for an imported entry's cwd.
// Each row carries atuin's own id, which identifies it across imports.
import { UsageError } from '../../errors.js';
import { openImage, openRaw, type Db } from '../../db/open.js';
import { TimeCheck } from './time.js';
import type { HistoryEntry, HistoryFormat, ParseInput, ParseResult } from './types.js';

const HEADER = 'SQLite format 3\0';
const REQUIRED = ['id', 'timestamp', 'duration', 'exit', 'command', 'cwd', 'session', 'hostname'];
const NS_PER_MS = 1_000_000n;

interface Row {
  id: unknown;
  timestamp: unknown;
  duration: unknown;
  exit: unknown;
  command: unknown;
  cwd: unknown;
  session: unknown;
  hostname: unknown;
  shell?: unknown;
}

export function parseAtuin({ data, path, now }: ParseInput): ParseResult {
  // By path first: a live atuin database keeps its latest rows in the write-ahead log, which a
  // copy of the main file does not have. The bytes are the fallback (and what tests and fuzzing use).
  let first: unknown;
  if (path) {
    try {
      return read(openRaw(path, { readonly: true }), now);
    } catch (err) {
      first = err;
    }
  }
  try {
    return read(fromBytes(data), now);
  } catch (err) {
    const cause = first ?? err;
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`not an atuin history database: ${(cause as Error).message}`);
  }
}

/** An in-memory copy. SQLite cannot open a WAL-mode image from memory; marked legacy, it can. */
function fromBytes(data: Buffer): Db {
  if (!data.subarray(0, HEADER.length).equals(Buffer.from(HEADER, 'latin1'))) throw new UsageError('not an atuin history database (no SQLite header)');
  const image = Buffer.from(data);
  if (image.length > 19 && image[18] === 2 && image[19] === 2) image[18] = image[19] = 1;
  return openImage(image);
}

function read(db: Db, now: number): ParseResult {
  try {
    const columns = new Set((db.prepare("SELECT name FROM pragma_table_info('history')").all() as { name: string }[]).map((c) => c.name));
    if (!columns.size) throw new UsageError("not an atuin history database: no table 'history'");
    const missing = REQUIRED.filter((c) => !columns.has(c));
    if (missing.length) throw new UsageError(`not an atuin history database: table 'history' is missing column(s) ${missing.join(', ')}`);
    const shell = columns.has('shell') ? ', shell' : '';
    const live = columns.has('deleted_at') ? 'WHERE deleted_at IS NULL' : '';
    const rows = db.prepare(`SELECT ${REQUIRED.join(', ')}${shell} FROM history ${live} ORDER BY timestamp, id`).safeIntegers(true);
    const out: HistoryEntry[] = [];
    const time = new TimeCheck(now);
    let line = 0;
    for (const r of rows.iterate() as Iterable<Row>) {
      line++;
      const entry = toEntry(r, line, time, shell !== '');
      if (entry) out.push({ ...entry, index: out.length });
    }
    return { entries: time.settle(out), warnings: time.warnings };
  } finally {
    db.close();
  }
}

function toEntry(r: Row, line: number, time: TimeCheck, hasShell: boolean): Omit<HistoryEntry, 'index'> | null {
  const command = text(r.command);
  if (command === null || command.trim() === '') return null;
  const [host, user] = splitHost(text(r.hostname));
  const cwd = text(r.cwd);
  const session = text(r.session);
  const entry: Omit<HistoryEntry, 'index'> = {
    command,
    ts: time.checked(typeof r.timestamp === 'bigint' ? Number(r.timestamp / NS_PER_MS) : Number.NaN, String(r.timestamp), line),
    duration_ms: r.duration === -1n || typeof r.duration !== 'bigint' ? null : time.duration(Number(r.duration) / 1e6, `${String(r.duration)} ns`, line),
    exit_code: typeof r.exit === 'bigint' && r.exit !== -1n && r.exit >= -(2n ** 31n) && r.exit < 2n ** 31n ? Number(r.exit) : null,
    cwd: cwd && cwd !== 'unknown' ? cwd : null,
    session: session ? `atuin:${session}` : null, // never taken for a live shell session of mem's
    host,
    user,
    shell: hasShell ? text(r.shell) || null : null,
  };
  const id = typeof r.id === 'bigint' ? String(r.id) : text(r.id);
  if (id) entry.id = id;
  return entry;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return null;
}

/** atuin's hostname column is `host:user`; older rows may hold just the host. */
function splitHost(v: string | null): [string | null, string | null] {
  if (!v) return [null, null];
  const colon = v.indexOf(':');
  if (colon < 0) return [v, null];
  return [v.slice(0, colon) || null, v.slice(colon + 1) || null];
}

export function detectAtuin(sample: string): number {
  return sample.startsWith(HEADER) ? 1 : 0;
}

export const atuinFormat: HistoryFormat = { name: 'atuin', detect: detectAtuin, parse: parseAtuin };
