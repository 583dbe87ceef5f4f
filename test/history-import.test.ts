import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, it, expect } from 'vitest';
import { openDb, type Db } from '../src/db/open.js';
import { UsageError } from '../src/errors.js';
import { FORMATS, detectFormat, entryKey, parseHistory, withOccurrences } from '../src/shell/import/index.js';
import type { HistoryEntry } from '../src/shell/import/index.js';
import { resumeAt } from '../src/shell/import/overlap.js';
import { TAIL } from '../src/shell/import/state.js';
import { importHistory, type ImportHistoryReport } from '../src/shell/import-history.js';
import { sandbox, seeded, type Sandbox } from './helpers.js';

type Expected = Omit<HistoryEntry, 'index'>;

const ascii = (s: string): Buffer => Buffer.from(s, 'utf8');
const cat = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? ascii(p) : Buffer.from(p))));
const e = (command: string, ts: number | null = null, duration_ms: number | null = null): Expected => ({ command, ts, duration_ms });
const T = 1_700_000_000;
const ms = (s: number): number => s * 1000;

/** Parses with the given shell and checks the entries, including the dense 0-based index. */
function expectParsed(shell: 'zsh' | 'bash' | 'fish', data: Buffer, expected: Expected[]): void {
  const { entries, warnings } = parseHistory(data, shell, undefined, NOW);
  expect(entries).toEqual(expected.map((x, index) => ({ ...x, index })));
  expect(warnings).toEqual([]);
}

/** A fixed clock for parsing: 2026-01-01. Times after NOW + 1 day are implausible. */
const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/** A real store in a temp dir, and an import into it with a fixed clock and no filters. */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempStore(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mem-import-'));
  dirs.push(dir);
  return { db: openDb(join(dir, 'mem.db')), dir };
}
/** A filter judging each command with `judge`, one at a time or in bulk. */
const filterOf = (judge: (c: string) => string | null) => ({ reject: judge, rejectAll: (items: readonly ({ command: string } | null)[]) => items.map((it) => (it ? judge(it.command) : null)), problems: [] });
const noFilter = filterOf((c) => (c.trim() === '' ? 'empty' : null));
function importInto(db: Db, file: string, data: Buffer, shell: 'zsh' | 'bash' | 'auto' = 'auto', over: Partial<Parameters<typeof importHistory>[0]> = {}): ImportHistoryReport {
  return importHistory({ db, file, data, shell, filter: noFilter, fallbackTs: NOW - DAY, now: NOW, ...over });
}
const storedTs = (db: Db): number[] => (db.prepare('SELECT ts FROM commands ORDER BY id').all() as { ts: number }[]).map((r) => r.ts);

describe('zsh history', () => {
  // Metafied UTF-8 (zsh stores bytes 0x83..0xa2 as 0x83, byte ^ 0x20):
  //   日 e6 97 a5 -> e6 83 b7 a5, 本 e6 9c ac -> e6 83 bc ac, ア e3 82 a2 -> e3 82 83 82,
  //   ă c4 83 -> c4 83 a3 (Meta itself is metafied), é c3 a9 -> unchanged.
  const nihon = [0xe6, 0x83, 0xb7, 0xa5, 0xe6, 0x83, 0xbc, 0xac];
  const a = [0xe3, 0x82, 0x83, 0x82];
  const aBreve = [0xc4, 0x83, 0xa3];
  const eAcute = [0xc3, 0xa9];

  it.each<[string, Buffer, Expected[]]>([
    ['extended', ascii(`: ${T}:0;ls -la\n: ${T + 5}:3;make test\n`), [e('ls -la', ms(T), 0), e('make test', ms(T + 5), 3000)]],
    ['simple, inner and edge whitespace kept', ascii('ls\ncd /tmp\n  git  status \t\n'), [e('ls'), e('cd /tmp'), e('  git  status \t')]],
    ['mixed simple and extended', ascii(`ls\n: ${T}:1;pwd\necho hi\n`), [e('ls'), e('pwd', ms(T), 1000), e('echo hi')]],
    [
      'multi-line',
      ascii(`: ${T}:0;for i in 1 2; do\\\n  echo $i\\\ndone\n: ${T + 1}:0;ls\n`),
      [e('for i in 1 2; do\n  echo $i\ndone', ms(T), 0), e('ls', ms(T + 1), 0)],
    ],
    [
      'continuation line that looks like a header',
      ascii(`: ${T}:0;cat <<EOF\\\n: 12:34;not a header\\\nEOF\n: ${T + 2}:0;ls\n`),
      [e('cat <<EOF\n: 12:34;not a header\nEOF', ms(T), 0), e('ls', ms(T + 2), 0)],
    ],
    [
      'header line after a blank continuation',
      ascii(`: ${T}:0;ssh host\\\n\n: ${T + 1}:0;ls\n`),
      [e('ssh host\n', ms(T), 0), e('ls', ms(T + 1), 0)],
    ],
    [
      'metafied non-ASCII',
      cat(`: ${T}:0;echo `, nihon, ' ', a, ' ', aBreve, ' ', eAcute, '\n', 'ls ', nihon, '\n'),
      [e('echo 日本 ア ă é', ms(T), 0), e('ls 日本')],
    ],
    ['trailing backslash at end of file', ascii(`: ${T}:0;ls\n: ${T + 1}:0;echo a\\\n`), [e('ls', ms(T), 0), e('echo a\n', ms(T + 1), 0)]],
    ['multi-line entry last, no final newline', ascii(`: ${T}:0;echo a\\\n  b`), [e('echo a\n  b', ms(T), 0)]],
    [
      'CRLF lines',
      ascii(`: ${T}:0;ls\r\n: ${T + 1}:0;echo a\\\r\nb\r\nplain\r\n`),
      [e('ls', ms(T), 0), e('echo a\nb', ms(T + 1), 0), e('plain')],
    ],
    ['empty and blank commands skipped', ascii(`: ${T}:0;\n: ${T}:0;   \n\n: ${T}:0;\\\n\n: ${T}:0;ls\n`), [e('ls', ms(T), 0)]],
    // zsh writes a command ending in a backslash with one extra space, and a plain-format command
    // starting with ':' as '\:'; both escapes are undone.
    ['zsh writer escapes', ascii(`: ${T}:0;rm -f \\\\ \n: ${T}:0;echo \\  \n\\: not-a-header\n`), [e('rm -f \\\\', ms(T), 0), e('echo \\ ', ms(T), 0), e(': not-a-header')]],
  ])('%s', (_name, data, expected) => {
    expectParsed('zsh', data, expected);
  });
});

describe('bash history', () => {
  it.each<[string, string, Expected[]]>([
    ['plain', 'ls\ncd /tmp\n\n  git log  \n', [e('ls'), e('cd /tmp'), e('  git log  ')]],
    ['with #epoch lines', `#${T}\nls\n#${T + 10}\ngit status\n`, [e('ls', ms(T)), e('git status', ms(T + 10))]],
    [
      'multi-line with timestamps (lithist)',
      `#${T}\nfor i in 1 2\ndo\n  echo $i\ndone\n\n#${T + 9}\npwd\n`,
      [e('for i in 1 2\ndo\n  echo $i\ndone', ms(T)), e('pwd', ms(T + 9))],
    ],
    [
      'commands that start with # but are not all digits',
      `#${T}\n# just a note\n#${T + 1}\n#12ab\n#${T + 2}\n#!/bin/false\n`,
      [e('# just a note', ms(T)), e('#12ab', ms(T + 1)), e('#!/bin/false', ms(T + 2))],
    ],
    ['comment in a plain file', '# todo: fix\nls\n', [e('# todo: fix'), e('ls')]],
    ['lines before the first timestamp stand alone', `old1\nold2\n#${T}\nnew\n`, [e('old1'), e('old2'), e('new', ms(T))]],
    ['timestamp with no command skipped', `#${T}\n#${T + 1}\nls\n#${T + 2}\n`, [e('ls', ms(T + 1))]],
    ['CRLF lines', `#${T}\r\necho a\r\necho b\r\n#${T + 1}\r\nls\r\n`, [e('echo a\necho b', ms(T)), e('ls', ms(T + 1))]],
    ['no final newline', `#${T}\nls`, [e('ls', ms(T))]],
  ])('%s', (_name, text, expected) => {
    expectParsed('bash', ascii(text), expected);
  });
});

describe('fish history', () => {
  // fish writes `- cmd: <escaped>` then indented `when: <epoch>` and `paths:` lines; it escapes
  // a backslash as `\\` and a newline as `\n` (src/history/yaml_backend.rs in fish-shell).
  it.each<[string, string, Expected[]]>([
    ['items with times and paths', `- cmd: ls -la\n  when: ${T}\n- cmd: vim /tmp/x\n  when: ${T + 5}\n  paths:\n    - /tmp/x\n`, [e('ls -la', ms(T)), e('vim /tmp/x', ms(T + 5))]],
    ['escaped newline and backslash', `- cmd: for i in 1 2\\n  echo $i\\nend\n  when: ${T}\n- cmd: printf '\\\\n'\n  when: ${T + 1}\n`, [e('for i in 1 2\n  echo $i\nend', ms(T)), e("printf '\\n'", ms(T + 1))]],
    ['a colon in the command', `- cmd: echo a:b  c\n  when: ${T}\n`, [e('echo a:b  c', ms(T))]],
    ['no when: no time', '- cmd: ls\n- cmd: pwd\n', [e('ls'), e('pwd')]],
    ['unknown keys and stray lines ignored', `%YAML 1.1\n---\n- cmd: ls\n  when: ${T}\n  foo: bar\ngarbage line\n- cmd: pwd\n  when: ${T + 1}\n...\n`, [e('ls', ms(T)), e('pwd', ms(T + 1))]],
    ['fish 1.x leftovers: repeated "- cmd:" and a when read as a command', `- cmd: - cmd: - cmd: ls\n  when: ${T}\n- cmd:    when: ${T}\n- cmd: pwd\n  when: ${T + 1}\n`, [e('ls', ms(T)), e('pwd', ms(T + 1))]],
    ['empty command skipped', `- cmd: \n  when: ${T}\n- cmd: ls\n  when: ${T + 1}\n`, [e('ls', ms(T + 1))]],
    ['last item without a final newline', `- cmd: ls\n  when: ${T}`, [e('ls', ms(T))]],
  ])('%s', (_name, text, expected) => {
    expectParsed('fish', ascii(text), expected);
  });

  it('a bad when: warns and borrows the neighbour', () => {
    const text = `- cmd: ls\n  when: ${T}\n- cmd: pwd\n  when: -5\n- cmd: make\n  when: 99999999999999999999\n`;
    const { entries, warnings } = parseHistory(ascii(text), 'fish', undefined, NOW);
    expect(entries.map((x) => x.ts)).toEqual([ms(T), ms(T), ms(T)]);
    expect(warnings.map((w) => w.line)).toEqual([4, 6]);
  });
});

// atuin's client database: table `history` as created by crates/atuin-client/migrations (the first
// migration, then deleted_at), plus the `shell` column later versions add. Times and durations
// are nanoseconds; -1 means an unknown exit or duration; hostname is `host:user`.
interface AtuinRow {
  id: string;
  timestamp: number | bigint | string | null;
  duration?: number;
  exit?: number;
  command: string;
  cwd?: string;
  session?: string;
  hostname?: string;
  deleted_at?: number | null;
  shell?: string | null;
}
const NS = 1_000_000n;
const ns = (msValue: number): bigint => BigInt(msValue) * NS;
function atuinDb(path: string, rows: AtuinRow[], opts: { shellColumn?: boolean; keepOpen?: boolean } = {}): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`create table history (id text primary key, timestamp integer not null, duration integer not null, exit integer not null,
    command text not null, cwd text not null, session text not null, hostname text not null, unique(timestamp, cwd, command));
    create index idx_history_timestamp on history(timestamp);
    alter table history add column deleted_at integer;`);
  if (opts.shellColumn) db.exec('alter table history add column shell text');
  const insert = db.prepare(
    `insert into history (id, timestamp, duration, exit, command, cwd, session, hostname, deleted_at${opts.shellColumn ? ', shell' : ''})
     values (@id, @timestamp, @duration, @exit, @command, @cwd, @session, @hostname, @deleted_at${opts.shellColumn ? ', @shell' : ''})`,
  );
  for (const r of rows) {
    insert.run({ duration: -1, exit: -1, cwd: 'unknown', session: '0190a7d5e2b87c3b9b1e9c5e2c0d9f1a', hostname: 'box:alice', deleted_at: null, shell: null, ...r });
  }
  if (opts.keepOpen) return db;
  db.close();
  return db;
}

describe('atuin history', () => {
  const base = { session: '0190a7d5e2b87c3b9b1e9c5e2c0d9f1a', hostname: 'box:alice' };
  const full = (id: string, command: string, at: number, over: Partial<AtuinRow> = {}): AtuinRow => ({
    id, command, timestamp: ns(at), duration: 1_500_000_000, exit: 0, cwd: '/home/alice/proj', ...base, ...over,
  });
  const got = (id: string, command: string, at: number, over: Partial<HistoryEntry> = {}) => ({
    id, command, ts: at, duration_ms: 1500, exit_code: 0, cwd: '/home/alice/proj', session: `atuin:${base.session}`, host: 'box', user: 'alice', shell: null, ...over,
  });
  const t = ms(T);
  it.each<[string, AtuinRow[], ReturnType<typeof got>[], { shellColumn?: boolean; warnings?: number[] }?]>([
    ['exit, duration, cwd, session, host and user kept; ordered by time', [full('b', 'make test', t + 5000, { exit: 2 }), full('a', 'git status', t)], [got('a', 'git status', t), got('b', 'make test', t + 5000, { exit_code: 2 })]],
    ['unknowns: exit and duration -1, cwd "unknown", host without user', [{ id: 'a', command: 'ls', timestamp: ns(t), hostname: 'box' }], [got('a', 'ls', t, { duration_ms: null, exit_code: null, cwd: null, user: null })]],
    ['deleted entries and empty commands are skipped', [full('a', 'ls', t), full('b', 'rm secret', t + 1, { deleted_at: Number(ns(t + 2)) }), full('c', '   ', t + 3)], [got('a', 'ls', t)]],
    ['multi-line command kept whole', [full('a', 'for i in 1 2\n  echo $i\nend', t)], [got('a', 'for i in 1 2\n  echo $i\nend', t)]],
    ['the shell column of later atuin versions', [full('a', 'ls', t, { shell: 'fish' })], [got('a', 'ls', t, { shell: 'fish' })], { shellColumn: true }],
    ['implausible time and duration: neighbour time, unknown duration, warnings', [full('a', 'ls', t), full('b', 'pwd', t + 9, { timestamp: 5, duration: -7 })], [got('b', 'pwd', t, { duration_ms: null }), got('a', 'ls', t)], { warnings: [1, 1] }],
  ])('%s', (_name, rows, expected, opts = {}) => {
    const { dir } = tempStore();
    const path = join(dir, 'history.db');
    atuinDb(path, rows, opts);
    for (const via of [path, undefined]) {
      const { shell, entries, warnings } = parseHistory(readFileSync(path), 'auto', via, NOW);
      expect(shell).toBe('atuin');
      expect(entries).toEqual(expected.map((x, index) => ({ ...x, index })));
      expect(warnings.map((w) => w.line)).toEqual(opts.warnings ?? []);
    }
  });

  it('reads what is still in the write-ahead log when given the path', () => {
    const { dir } = tempStore();
    const path = join(dir, 'history.db');
    const live = atuinDb(path, [full('a', 'ls', t), full('b', 'pwd', t + 1)], { keepOpen: true });
    try {
      expect(parseHistory(readFileSync(path), 'atuin', path, NOW).entries.map((x) => x.command)).toEqual(['ls', 'pwd']);
    } finally {
      live.close();
    }
  });

  it.each<[string, (path: string) => void, RegExp]>([
    ['not a database', (p) => writeFileSync(p, 'ls\npwd\n'), /not an atuin history database/],
    ['random bytes with an SQLite header', (p) => writeFileSync(p, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200, 7)])), /not an atuin history database/],
    ['no history table', (p) => new Database(p).exec('create table x (a)').close(), /no table 'history'/],
    ['a column missing', (p) => new Database(p).exec('create table history (id text, timestamp integer)').close(), /missing column.*command/],
  ])('%s: a UsageError', (_name, make, message) => {
    const { dir } = tempStore();
    const path = join(dir, 'history.db');
    make(path);
    for (const via of [path, undefined]) {
      expect(() => parseHistory(readFileSync(path), 'atuin', via, NOW)).toThrow(UsageError);
      expect(() => parseHistory(readFileSync(path), 'atuin', via, NOW)).toThrow(message);
    }
  });

  it('imports into the store keyed by atuin id: fields kept, a re-import adds nothing', () => {
    const { db, dir } = tempStore();
    const path = join(dir, 'history.db');
    atuinDb(path, [full('a', 'git status', t), full('b', 'make test', t + 5000, { exit: 2 }), full('c', 'ls', t + 9000, { exit: -1, duration: -1, cwd: 'unknown' })]);
    expect(importInto(db, path, readFileSync(path))).toMatchObject({ shell: 'atuin', entries: 3, added: 3 });
    const rows = db.prepare('SELECT command, cwd, exit_code, ts, duration_ms, session, shell, host, user, source FROM commands ORDER BY ts').all();
    expect(rows).toEqual([
      { command: 'git status', cwd: '/home/alice/proj', exit_code: 0, ts: t, duration_ms: 1500, session: `atuin:${base.session}`, shell: null, host: 'box', user: 'alice', source: 'import:atuin' },
      { command: 'make test', cwd: '/home/alice/proj', exit_code: 2, ts: t + 5000, duration_ms: 1500, session: `atuin:${base.session}`, shell: null, host: 'box', user: 'alice', source: 'import:atuin' },
      { command: 'ls', cwd: null, exit_code: null, ts: t + 9000, duration_ms: null, session: `atuin:${base.session}`, shell: null, host: 'box', user: 'alice', source: 'import:atuin' },
    ]);
    expect(db.prepare('SELECT session, count FROM shell_sessions').all()).toEqual([{ session: `atuin:${base.session}`, count: 3 }]);
    expect(importInto(db, path, readFileSync(path))).toMatchObject({ added: 0, already_present: 3 });
  });
});

describe('format detection', () => {
  it.each<[string, string, string | undefined, 'zsh' | 'bash' | 'fish' | 'atuin']>([
    ['extended zsh beats a bash name', `: ${T}:0;ls\n: ${T}:0;pwd\n`, '/home/u/.bash_history', 'zsh'],
    ['#epoch lines beat a zsh name', `#${T}\nls\n#${T}\npwd\n`, '/home/u/.zsh_history', 'bash'],
    ['plain + zsh name', 'ls\npwd\n', '/home/u/.zsh_history', 'zsh'],
    ['plain + zsh in the directory name', 'ls\n', '/backup/zsh/history', 'zsh'],
    ['plain + bash name', 'ls\npwd\n', '/home/u/.bash_history', 'bash'],
    ['plain, no hint', 'ls\npwd\n', undefined, 'bash'],
    ['empty, no hint', '', undefined, 'bash'],
    ['fish items beat a bash name', `- cmd: ls\n  when: ${T}\n  paths:\n    - /tmp\n`, '/home/u/.bash_history', 'fish'],
    ['empty + fish name', '', '/home/u/.local/share/fish/fish_history', 'fish'],
    ['an SQLite header is atuin', 'SQLite format 3\u0000\u0010\u0000', '/home/u/.zsh_history', 'atuin'],
  ])('%s', (_name, sample, hint, expected) => {
    expect(detectFormat(sample, hint)).toBe(expected);
  });

  it('registers every format and each scores its own content highest', () => {
    expect(FORMATS.map((f) => f.name).sort()).toEqual(['atuin', 'bash', 'fish', 'zsh']);
    const samples: Record<string, string> = { zsh: `: ${T}:0;ls\n`, bash: `#${T}\nls\n`, fish: `- cmd: ls\n  when: ${T}\n`, atuin: 'SQLite format 3\u0000' };
    for (const [name, sample] of Object.entries(samples)) {
      const scores = Object.fromEntries(FORMATS.map((f) => [f.name, f.detect(sample)]));
      expect(scores[name], name).toBe(1);
      for (const other of FORMATS) if (other.name !== name) expect(scores[other.name], `${other.name} on ${name}`).toBeLessThan(0.5);
    }
    const zsh = FORMATS.find((f) => f.name === 'zsh')!;
    const bash = FORMATS.find((f) => f.name === 'bash')!;
    expect(zsh.detect(`: ${T}:0;ls\n`)).toBe(1);
    expect(bash.detect(`: ${T}:0;ls\n`)).toBe(0);
    expect(bash.detect(`#${T}\nls\n`)).toBe(1);
    expect(zsh.detect(`#${T}\nls\n`)).toBe(0);
  });

  it('parseHistory auto uses detection and reports the shell', () => {
    expect(parseHistory(ascii(`: ${T}:2;ls\n`), 'auto').shell).toBe('zsh');
    expect(parseHistory(ascii(`#${T}\nls\n`), 'auto', 'x.zsh_history').shell).toBe('bash');
    expect(parseHistory(ascii('ls\n'), 'auto', '.zsh_history')).toEqual({ shell: 'zsh', entries: [{ command: 'ls', ts: null, duration_ms: null, index: 0 }], warnings: [] });
  });

  it('rejects an unknown shell with a UsageError', () => {
    expect(() => parseHistory(ascii('ls\n'), 'tcsh' as 'zsh')).toThrow(UsageError);
  });
});

describe('entry keys', () => {
  const keys = (shell: 'zsh' | 'bash', data: Buffer): string[] =>
    withOccurrences(parseHistory(data, shell).entries).map(({ entry, occurrence }) => entryKey(shell, entry, occurrence));

  const zshFile = `: ${T}:0;ls\n: ${T}:0;ls\n: ${T + 1}:0;make\\\n  all\nls\n`;
  const zshTail = `: ${T}:0;ls\nls\n: ${T + 9}:0;git push\n`;
  const bashFile = `ls\nls\npwd\n`;
  const bashTail = `ls\ngit push\n`;

  it.each<['zsh' | 'bash', string, string]>([
    ['zsh', zshFile, zshTail],
    ['bash', bashFile, bashTail],
  ])('%s: same file twice gives the same keys; an appended tail keeps the old ones', (shell, file, tail) => {
    const first = keys(shell, ascii(file));
    expect(keys(shell, ascii(file))).toEqual(first);
    expect(first.every((k) => /^[0-9a-f]{32}$/.test(k))).toBe(true);
    expect(new Set(first).size).toBe(first.length);

    const grown = keys(shell, ascii(file + tail));
    expect(grown.slice(0, first.length)).toEqual(first);
    const added = grown.slice(first.length);
    expect(added).toHaveLength(grown.length - first.length);
    expect(added.length).toBeGreaterThan(0);
    expect(added.some((k) => first.includes(k))).toBe(false);
    expect(new Set(grown).size).toBe(grown.length);
  });

  it('duplicate commands with the same ts get distinct keys', () => {
    const entries = parseHistory(ascii(`: ${T}:0;ls\n: ${T}:0;ls\n: ${T}:0;pwd\n: ${T}:0;ls\n`), 'zsh').entries;
    const occ = withOccurrences(entries);
    expect(occ.map((o) => o.occurrence)).toEqual([0, 1, 0, 2]);
    const k = occ.map(({ entry, occurrence }) => entryKey('zsh', entry, occurrence));
    expect(new Set(k).size).toBe(4);
  });

  it('keys depend on shell, ts, command and occurrence', () => {
    const base: HistoryEntry = { command: 'ls', ts: ms(T), duration_ms: 0, index: 0 };
    const k = entryKey('zsh', base, 0);
    expect(entryKey('zsh', { ...base, index: 7, duration_ms: 5000 }, 0)).toBe(k); // position/duration don't matter
    expect(entryKey('bash', base, 0)).not.toBe(k);
    expect(entryKey('zsh', { ...base, ts: null }, 0)).not.toBe(k);
    expect(entryKey('zsh', { ...base, command: 'ls ' }, 0)).not.toBe(k);
    expect(entryKey('zsh', base, 1)).not.toBe(k);
  });
});

// Real histories, read in place from the shared data directory (never copied into the repo).
const REAL_DIR = fileURLToPath(new URL('../../shared/data/histories/zsh-dev/', import.meta.url));
const haveReal = existsSync(REAL_DIR);

describe('real zsh histories', () => {
  // [file, entries, entries containing U+FFFD (u02 has one stray 0xA0 byte, half of a pasted glyph)]
  it.skipIf(!haveReal).each<[string, number, number]>([
    ['u01.zsh_history', 10_099, 0],
    ['u02.zsh_history', 10_199, 1],
    ['u03.zsh_history', 5_284, 0],
    ['u07.zsh_history', 11_324, 0],
  ])('%s parses to %i entries', (file, count, replacement) => {
    const data = readFileSync(REAL_DIR + file);
    const t0 = performance.now();
    const { shell, entries } = parseHistory(data, 'auto', file);
    const elapsed = performance.now() - t0;

    expect(shell).toBe('zsh');
    expect(entries).toHaveLength(count);
    expect(entries.some((x) => x.command.includes('\n'))).toBe(true);
    expect(entries.filter((x) => /^: \d+:/.test(x.command))).toEqual([]);
    expect(entries.filter((x) => x.command.trim() === '')).toEqual([]);
    expect(entries.filter((x) => x.command.includes('\uFFFD'))).toHaveLength(replacement);
    expect(entries.every((x, i) => x.index === i && x.ts !== null && x.duration_ms !== null)).toBe(true);
    expect(elapsed).toBeLessThan(1000);

    // Keys are unique within the file, and a prefix cut at an entry boundary keeps its keys.
    const keyed = withOccurrences(entries).map(({ entry, occurrence }) => entryKey(shell, entry, occurrence));
    expect(new Set(keyed).size).toBe(keyed.length);
    let cut = data.indexOf('\n: ', data.length >> 1);
    while (data[cut - 1] === 0x5c) cut = data.indexOf('\n: ', cut + 1); // not inside a multi-line entry
    const prefix = parseHistory(data.subarray(0, cut + 1), 'zsh').entries;
    const prefixKeys = withOccurrences(prefix).map(({ entry, occurrence }) => entryKey(shell, entry, occurrence));
    expect(prefixKeys).toEqual(keyed.slice(0, prefix.length));
  });

  it.skipIf(!haveReal)('un-metafies non-ASCII commands (u07)', () => {
    const { entries } = parseHistory(readFileSync(REAL_DIR + 'u07.zsh_history'), 'zsh');
    // Kana only come out whole when the Meta pairs are undone before UTF-8 decoding.
    expect(entries.some((x) => /[\u3040-\u30ff]/.test(x.command))).toBe(true);
    expect(entries.some((x) => x.command.includes('\u0083'))).toBe(false);
  });
});

describe('implausible timestamps (issue 8)', () => {
  // Accepted: 1990-01-01 .. NOW + 1 day. Seconds first; a value that only makes sense as
  // milliseconds (13 digits, e.g. written by a tool) is read as milliseconds, with a warning.
  // Anything else is kept as a command, takes its previous (else next) neighbour's time, and warns.
  const tooBig = '99999999999999999999';
  it.each<[string, 'zsh' | 'bash', string, Expected[], [number, RegExp][]]>([
    ['bash: a 20-digit #epoch', 'bash', `#${tooBig}\nls\n#${T}\npwd\n`, [e('ls', ms(T)), e('pwd', ms(T))], [[1, /99999999999999999999/]]],
    ['bash: #0 (1970) takes the previous time', 'bash', `#${T}\nls\n#0\npwd\n`, [e('ls', ms(T)), e('pwd', ms(T))], [[3, /not a plausible time/]]],
    ['bash: a day and a half in the future', 'bash', `#${T}\nls\n#${(NOW + 1.5 * DAY) / 1000}\npwd\n`, [e('ls', ms(T)), e('pwd', ms(T))], [[3, /not a plausible time/]]],
    ['bash: the only timestamp is bad: no time at all', 'bash', `#${tooBig}\nls\n`, [e('ls')], [[1, /not a plausible time/]]],
    ['zsh: 13 digits are milliseconds', 'zsh', `: ${T}123:0;ls\n: ${T + 1}:0;pwd\n`, [e('ls', ms(T) + 123, 0), e('pwd', ms(T + 1), 0)], [[1, /milliseconds/]]],
    ['zsh: 13 digits too far out even as milliseconds', 'zsh', `: ${T}:0;ls\n: 9999999999999:0;pwd\n`, [e('ls', ms(T), 0), e('pwd', ms(T), 0)], [[2, /not a plausible time/]]],
    ['zsh: 11 digits (year 5138)', 'zsh', `: 99999999999:0;ls\n: ${T}:0;pwd\n`, [e('ls', ms(T), 0), e('pwd', ms(T), 0)], [[1, /not a plausible time/]]],
    ['zsh: 20 digits, and a 20-digit duration', 'zsh', `: ${tooBig}:${tooBig};ls\n: ${T}:${tooBig};pwd\n`, [e('ls', ms(T), null), e('pwd', ms(T), null)], [[1, /not a plausible time/], [1, /duration/], [2, /duration/]]],
  ])('%s', (_name, shell, text, expected, warned) => {
    const { entries, warnings } = parseHistory(ascii(text), shell, undefined, NOW);
    expect(entries).toEqual(expected.map((x, index) => ({ ...x, index })));
    expect(warnings.map((w) => w.line)).toEqual(warned.map(([line]) => line));
    warned.forEach(([, re], i) => expect(warnings[i]!.message).toMatch(re));
  });

  it('an import with bad timestamps completes, reports them, and stores only sane times', () => {
    const { db, dir } = tempStore();
    const file = join(dir, 'bash_history');
    const text = `#${tooBig}\nls\n#${T}\npwd\n#${T}999\nmake\n`;
    const report = importInto(db, file, ascii(text), 'bash');
    expect(report).toMatchObject({ shell: 'bash', entries: 3, added: 3, warning_count: 2 });
    expect(report.warnings).toEqual([
      { line: 1, message: expect.stringMatching(/99999999999999999999/) },
      { line: 5, message: expect.stringMatching(/milliseconds/) },
    ]);
    for (const ts of storedTs(db)) expect(ts >= Date.UTC(1990, 0, 1) && ts <= NOW + DAY).toBe(true);
    // The same file again: the neighbour's time is stable, so nothing is added twice.
    expect(importInto(db, file, ascii(text), 'bash')).toMatchObject({ added: 0, already_present: 3 });
  });

  it.each([0, NOW + 30 * DAY])('a file modified at %i (bad clock, unpacked archive): entries without a time are placed before now', (mtime) => {
    const { db, dir } = tempStore();
    expect(importInto(db, join(dir, 'h'), ascii('ls\npwd\n'), 'bash', { fallbackTs: mtime })).toMatchObject({ added: 2 });
    expect(storedTs(db)).toEqual([NOW - 2, NOW - 1]);
  });
});

describe('re-importing a history without timestamps (defect 10b)', () => {
  // Commands repeat, as in real histories (a few dominate): keys by (text, occurrence) cannot tell
  // old from new. Seeded, so the same lines every run.
  const VOCAB = ['ls', 'git status', 'make', 'cd ..', 'vim notes', 'git diff', 'npm test', 'git add -p', 'git commit', 'git push', 'cd src', 'ls -la', 'docker ps', 'htop', 'cargo build', 'pytest -x', 'git log --oneline', 'cat README.md', 'grep -rn TODO .', 'kubectl get pods'];
  const rand = seeded(10);
  const pick = () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]!;
  const old = Array.from({ length: 100 }, pick);
  const fresh = Array.from({ length: 100 }, pick);
  const more = Array.from({ length: 60 }, pick);
  // A strictly periodic history: every run of the old file recurs in it, the worst case for overlap.
  const cyclic = Array.from({ length: 100 }, (_, i) => VOCAB[i % 7]!);
  const cyclicNew = Array.from({ length: 100 }, (_, i) => VOCAB[(i * 3 + 2) % 7]!);
  const text = (lines: string[]) => ascii(lines.map((l) => l + '\n').join(''));
  const stored = (db: Db) => (db.prepare('SELECT command FROM commands ORDER BY ts, id').all() as { command: string }[]).map((r) => r.command);

  it.each<['zsh' | 'bash', string, number, string[]]>([
    ['bash', 'the same file again', 0, old],
    ['bash', 'an appended file', 100, [...old, ...fresh]],
    ['bash', 'rotated (HISTFILESIZE=150) with 100 new lines', 100, [...old.slice(50), ...fresh]],
    ['bash', 'rotated (HISTFILESIZE=120) with 100 new lines', 100, [...old.slice(80), ...fresh]],
    ['bash', 'rotated to its last old line', 100, [...old.slice(99), ...fresh]],
    ['bash', 'rotated past every old line', 100, fresh],
    ['bash', 'rewritten by another shell (histappend off): its last lines are gone', 100, [...old.slice(0, 95), ...fresh]],
    ['bash', 'a line deleted in the middle (history -d)', 0, [...old.slice(0, 40), ...old.slice(41)]],
    ['zsh', 'rotated, zsh without EXTENDED_HISTORY', 100, [...old.slice(50), ...fresh]],
  ])('%s: %s adds %i', (shell, _name, added, second) => {
    const { db, dir } = tempStore();
    const file = join(dir, `.${shell}_history`);
    expect(importInto(db, file, text(old), shell, { fallbackTs: NOW - 10 * DAY })).toMatchObject({ added: 100 });
    const report = importInto(db, file, text(second), shell, { fallbackTs: NOW - DAY });
    expect(report).toMatchObject({ entries: second.length, added, already_present: second.length - added });
    if (added === 100) expect(stored(db)).toEqual([...old, ...fresh]);
    if (added === 0) expect(stored(db)).toEqual(old);
    // And again: nothing more.
    expect(importInto(db, file, text(second), shell, { fallbackTs: NOW - DAY })).toMatchObject({ added: 0 });
  });

  it('a periodic history, rotated: the new lines that continue the old pattern are still new', () => {
    const { db, dir } = tempStore();
    const file = join(dir, '.bash_history');
    importInto(db, file, text(cyclic), 'bash', { fallbackTs: NOW - 10 * DAY });
    expect(importInto(db, file, text([...cyclic.slice(50), ...cyclicNew]), 'bash')).toMatchObject({ added: 100, already_present: 50 });
    expect(stored(db)).toEqual([...cyclic, ...cyclicNew]);
  });

  it('a file longer than the remembered tail, rotated and grown', () => {
    const { db, dir } = tempStore();
    const file = join(dir, '.bash_history');
    const rand = seeded(3);
    const long = Array.from({ length: 3000 }, () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]!);
    importInto(db, file, text(long), 'bash', { fallbackTs: NOW - 10 * DAY });
    expect(importInto(db, file, text([...long.slice(500), ...fresh]), 'bash')).toMatchObject({ added: 100, already_present: 2500 });
    expect(importInto(db, file, text([...long.slice(2950), ...fresh, ...more]), 'bash')).toMatchObject({ added: 60, already_present: 150 });
  });

  it('a periodic file longer than the tail: the same file again adds nothing, an append only its lines', () => {
    const { db, dir } = tempStore();
    const file = join(dir, '.bash_history');
    const rand = seeded(5);
    const period = Array.from({ length: 1500 }, () => VOCAB[Math.floor(rand() * VOCAB.length)]!);
    const periodic = [...period, ...period, ...period];
    expect(importInto(db, file, text(periodic), 'bash')).toMatchObject({ added: 4500 });
    expect(importInto(db, file, text(periodic), 'bash')).toMatchObject({ added: 0 });
    expect(importInto(db, file, text([...periodic, ...fresh]), 'bash')).toMatchObject({ added: 100 });
  });

  it('rotates twice; another path is a different file', () => {
    const { db, dir } = tempStore();
    const file = join(dir, '.bash_history');
    importInto(db, file, text(old), 'bash', { fallbackTs: NOW - 10 * DAY });
    expect(importInto(db, file, text([...old.slice(50), ...fresh]), 'bash', { fallbackTs: NOW - 5 * DAY })).toMatchObject({ added: 100 });
    expect(importInto(db, file, text([...fresh.slice(10), ...more]), 'bash', { fallbackTs: NOW - DAY })).toMatchObject({ added: 60, already_present: 90 });
    expect(stored(db)).toEqual([...old, ...fresh, ...more]);
    // A copy of the first version elsewhere has no import state: matched by content, nothing new.
    expect(importInto(db, join(dir, 'copy'), text(old), 'bash')).toMatchObject({ added: 0 });
  });

  it('a store imported before import state existed: the first re-import matches by content, later ones by overlap', () => {
    const { db, dir } = tempStore();
    const file = join(dir, '.bash_history');
    importInto(db, file, text(old), 'bash', { fallbackTs: NOW - 10 * DAY });
    db.prepare('DELETE FROM history_imports').run();
    expect(importInto(db, file, text([...old, ...fresh.slice(0, 3)]), 'bash')).toMatchObject({ added: 3 });
    expect(importInto(db, file, text([...old.slice(50), ...fresh]), 'bash')).toMatchObject({ added: 97 });
  });
});

describe('overlap rule (resumeAt)', () => {
  // Tokens stand for entry digests. `u(n, tag)` makes n distinct tokens; `r` draws from a small,
  // skewed vocabulary, so short runs recur by coincidence as they do in real histories.
  const u = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`);
  const rand = seeded(7);
  const r = (n: number) => Array.from({ length: n }, () => `c${Math.floor(rand() ** 2 * 12)}`);
  const A = r(300);
  const N = r(120);
  const big = r(TAIL + 500);
  const bigTail = big.slice(-TAIL);
  it.each<[string, string[], string[], number]>([
    ['nothing stored', [], A, 0],
    ['same file', A, A, 300],
    ['appended', A, [...A, ...N], 300],
    ['rotated, 200 old lines kept', A, [...A.slice(100), ...N], 200],
    ['rotated, 1 old line kept', A, [...A.slice(299), ...N], 1],
    ['rotated past every old line (distinct new lines)', u(50, 'a'), u(40, 'b'), 0],
    ['shrunk from the front only', A, A.slice(120), 180],
    ['a middle line deleted', A, [...A.slice(0, 150), ...A.slice(151)], 299],
    ['a line deleted near the end, then new lines', A, [...A.slice(0, 297), ...A.slice(298), ...N], 299],
    ['previous last lines lost (another shell rewrote the file), then new lines', A, [...A.slice(0, 290), ...N], 290],
    ['tail full: appended to a file longer than the tail', bigTail, [...big, ...N], big.length],
    ['tail full: rotated but more than the tail kept', bigTail, [...big.slice(300), ...N], big.length - 300],
    ['tail full: rotated into the tail', bigTail, [...big.slice(big.length - 400), ...N], 400],
    ['tail full: same file', bigTail, big, big.length],
    ['tiny previous file, repeated', ['ls', 'pwd', 'make'], ['pwd', 'make', 'ls', 'pwd', 'make'], 2],
  ])('%s', (_name, tail, current, expected) => {
    expect(resumeAt(tail, current, tail === bigTail ? big.length : tail.length)).toBe(expected);
  });

  // A file whose last TAIL entries occur more than once (a replayed script, a synthetic benchmark
  // history): the occurrence that ends where the previous version ended is the old end.
  const period = r(TAIL + 200);
  const periodic = [...period, ...period, ...period];
  it.each<[string, string[], number]>([
    ['same file', periodic, periodic.length],
    ['appended', [...periodic, ...N], periodic.length],
    ['appended with another period', [...periodic, ...period], periodic.length],
  ])('a periodic file longer than the tail, %s', (_name, current, expected) => {
    expect(resumeAt(periodic.slice(-TAIL), current, periodic.length)).toBe(expected);
  });

  it('is linear enough: a 200,000-entry file against a full tail in well under a second', () => {
    const current = [...r(150_000), ...bigTail, ...r(49_000)];
    const t0 = performance.now();
    expect(resumeAt(bigTail, current, big.length)).toBe(150_000 + TAIL);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('all or nothing', () => {
  it('a failure part-way through a large import leaves the store untouched', () => {
    const { db, dir } = tempStore();
    const lines = Array.from({ length: 25_000 }, (_, i) => `: ${T + i}:0;echo ${i}`).join('\n') + '\n';
    let seen = 0;
    const failing = filterOf(() => (++seen === 15_000 ? (() => { throw new Error('disk on fire'); })() : null));
    expect(() => importInto(db, join(dir, 'h'), ascii(lines), 'zsh', { filter: failing })).toThrow('disk on fire');
    expect(db.prepare('SELECT COUNT(*) AS n FROM commands').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM command_counts').get()).toEqual({ n: 0 });
    expect(importInto(db, join(dir, 'h'), ascii(lines), 'zsh')).toMatchObject({ added: 25_000 });
  });
});

describe('mem import-history (CLI)', () => {
  let box: Sandbox;
  afterEach(() => box?.cleanup());

  it('finds fish history by default (XDG_DATA_HOME or ~/.local/share) and detects it', () => {
    box = sandbox();
    const fishItems = `- cmd: ls -la\n  when: ${T}\n- cmd: echo a\\nb\n  when: ${T + 1}\n  paths:\n    - a\n`;
    for (const [env, dir] of [[{}, join(box.dir, '.local', 'share')], [{ XDG_DATA_HOME: join(box.dir, 'xdg') }, join(box.dir, 'xdg')]] as const) {
      const path = join(dir, 'fish', 'fish_history');
      mkdirSync(join(dir, 'fish'), { recursive: true });
      writeFileSync(path, fishItems);
      const r = box.mem(['import-history', '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ file: path, shell: 'fish', entries: 2 });
    }
    const hist = box.mem(['history', '--json']).json().commands;
    expect(hist.map((c: { command: string; shell: string; source: string }) => [c.command, c.shell, c.source])).toEqual([
      ['ls -la', 'fish', 'import:fish'],
      ['echo a\nb', 'fish', 'import:fish'],
    ]);
  });

  it('imports an atuin database by detection and with --shell atuin', () => {
    box = sandbox();
    const path = join(box.dir, 'history.db');
    atuinDb(path, [{ id: 'x1', command: 'cargo build', timestamp: ns(T * 1000), duration: 2_000_000_000, exit: 101, cwd: '/src/mem', session: 's1', hostname: 'host:bob' }]);
    const r = box.mem(['import-history', '--json', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ shell: 'atuin', entries: 1, added: 1 });
    expect(box.mem(['import-history', '--json', '--shell', 'atuin', path]).json()).toMatchObject({ added: 0, already_present: 1 });
    expect(box.mem(['history', '--json']).json().commands).toEqual([
      expect.objectContaining({ command: 'cargo build', exit_code: 101, duration_ms: 2000, cwd: '/src/mem', session: 'atuin:s1', host: 'host', user: 'bob', source: 'import:atuin' }),
    ]);
    const bad = box.mem(['import-history', '--shell', 'atuin', join(box.dir, 'history.db-missing')]);
    expect(bad.code).toBe(2);
    writeFileSync(join(box.dir, 'plain'), 'ls\n');
    const notDb = box.mem(['import-history', '--shell', 'atuin', join(box.dir, 'plain')]);
    expect(notDb.code).toBe(2);
    expect(notDb.stderr).toMatch(/^mem: not an atuin history database[^\n]*\n$/);
  });

  it('exits 0, warns on stderr in human mode, reports warnings in --json', () => {
    box = sandbox();
    const path = join(box.dir, '.bash_history');
    writeFileSync(path, `#99999999999999999999\nls\n#${T}\npwd\n`);
    const human = box.mem(['import-history', path]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/imported 2 new commands/);
    expect(human.stderr).toMatch(/^mem: warning: .*bash_history:1: .*99999999999999999999/m);
    const json = box.mem(['import-history', '--json', path]);
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({ added: 0, already_present: 2, warning_count: 1, warnings: [{ line: 1 }] });
    const hist = box.mem(['history', '--json']);
    expect(hist.code, hist.stderr).toBe(0);
    expect(hist.json().commands.map((c: { timestamp: string }) => c.timestamp)).toEqual([new Date(T * 1000).toISOString(), new Date(T * 1000).toISOString()]);
  });
});
