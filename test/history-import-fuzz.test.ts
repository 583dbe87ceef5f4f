// Fuzzing every history parser, bounded and seeded (same inputs every run, a few seconds): random
// bytes, structured junk built from each format's own tokens, and mutations of valid files
// (including a real atuin database image). A parser may only return well-formed entries or throw
// a UsageError, quickly; an import of junk into a real store is all or nothing.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/db/open.js';
import { UsageError } from '../src/errors.js';
import { FORMAT_NAMES, parseHistory, type HistoryFormatName, type ParsedHistory } from '../src/shell/import/index.js';
import { MIN_TS } from '../src/shell/import/time.js';
import { importHistory } from '../src/shell/import-history.js';
import { seeded } from './helpers.js';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const T = 1_700_000_000;
/** Per parse of an input of at most a few KB; a catastrophic regex or a loop would blow it. */
const SLOW_MS = 250;

const dir = mkdtempSync(join(tmpdir(), 'mem-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rand = seeded(20_260_101);
const int = (n: number) => Math.floor(rand() * n);
const pickOf = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const digits = () => pickOf(['0', '-5', '1', String(T), `${T}123`, '99999999999', '9999999999999', '9'.repeat(20), '9'.repeat(400), String(2 ** 53), '', 'x1']);

function atuinImage(): Buffer {
  const path = join(dir, 'seed-atuin.db');
  const db = new Database(path);
  db.exec(`create table history (id text primary key, timestamp integer not null, duration integer not null, exit integer not null,
    command text not null, cwd text not null, session text not null, hostname text not null, deleted_at integer, unique(timestamp, cwd, command))`);
  const insert = db.prepare('insert into history values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 40; i++) insert.run(`id${i}`, BigInt(T + i) * 1_000_000_000n, i * 1_000_000, i % 3 - 1, `cmd ${i}\nline`, '/tmp', 's', 'h:u', i % 7 ? null : 1);
  db.close();
  return readFileSync(path);
}

const SEEDS: Buffer[] = [
  Buffer.from(`: ${T}:0;ls -la\n: ${T + 5}:3;for i in 1 2; do\\\n  echo $i\\\ndone\n: ${T + 9}:0;rm -f \\\\ \n`),
  Buffer.concat([Buffer.from(`: ${T}:0;echo `), Buffer.from([0xe6, 0x83, 0xb7, 0xa5, 0x83, 0x0a, 0x83]), Buffer.from('\nls\n\\: x\n')]),
  Buffer.from(`#${T}\nls\n#${T + 10}\nfor i in 1 2\ndo\n  echo $i\ndone\n#${T}999\n# note\n#-5\n`),
  Buffer.from(`- cmd: ls -la\n  when: ${T}\n- cmd: echo a\\nb\\\\\n  when: ${T + 1}\n  paths:\n    - /tmp\n- cmd: - cmd: x\n---\n`),
  atuinImage(),
];

/** Structured junk: lines assembled from the formats' own tokens, in nonsense orders. */
function tokens(): Buffer {
  const parts: (string | Buffer)[] = [];
  const n = int(60);
  for (let i = 0; i < n; i++) {
    parts.push(
      pickOf<() => string | Buffer>([
        () => `: ${digits()}:${digits()};`,
        () => `#${digits()}`,
        () => '- cmd: ',
        () => `  when: ${digits()}`,
        () => '  paths:\n    - /x',
        () => pickOf(['\\', '\\\\', '\\n', '\\:', '\r', '\n', '\n\n', ' ', '\t', ';', ':', '#', '-', '%YAML', '...']),
        () => pickOf(['ls', 'git status', 'echo "a b"', 'ア', 'é', '日本']),
        () => Buffer.from([pickOf([0x83, 0x00, 0xff, 0xc3, 0xa0, 0x0a, 0x83])]),
        () => 'SQLite format 3\0',
      ])(),
    );
  }
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

function randomBytes(max: number): Buffer {
  const b = Buffer.alloc(int(max));
  for (let i = 0; i < b.length; i++) b[i] = int(256);
  return b;
}

/** A valid file, damaged: bytes flipped, inserted, deleted, duplicated, cut, or two files spliced. */
function mutated(): Buffer {
  let b = Buffer.from(pickOf(SEEDS));
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds; r++) {
    const at = int(b.length + 1);
    const len = int(Math.min(64, b.length - at) + 1);
    switch (int(6)) {
      case 0:
        for (let i = 0; i < 1 + int(8); i++) if (b.length) b[int(b.length)] = int(256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), randomBytes(32), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      case 4:
        b = b.subarray(0, at);
        break;
      default: {
        const other = pickOf(SEEDS);
        b = Buffer.concat([b.subarray(0, at), other.subarray(int(other.length))]);
      }
    }
  }
  return b;
}

function inputs(): { kind: string; data: Buffer }[] {
  const out: { kind: string; data: Buffer }[] = [];
  for (let i = 0; i < 600; i++) out.push({ kind: 'random bytes', data: randomBytes(2048) });
  for (let i = 0; i < 800; i++) out.push({ kind: 'tokens', data: tokens() });
  for (let i = 0; i < 800; i++) out.push({ kind: 'mutated', data: mutated() });
  return out;
}

/** What every successful parse must look like, whatever the input: the problems found, if any. */
function malformed(r: ParsedHistory): string[] {
  const problems: string[] = [];
  if (!FORMAT_NAMES.includes(r.shell)) problems.push(`shell ${r.shell}`);
  r.entries.forEach((e, i) => {
    if (e.index !== i) problems.push(`entry ${i}: index ${e.index}`);
    if (typeof e.command !== 'string' || e.command.trim() === '') problems.push(`entry ${i}: command ${JSON.stringify(e.command)}`);
    if (e.ts !== null && !(Number.isInteger(e.ts) && e.ts >= MIN_TS && e.ts <= NOW + DAY)) problems.push(`entry ${i}: ts ${e.ts}`);
    if (e.duration_ms !== null && !(e.duration_ms >= 0 && e.duration_ms <= 366 * DAY)) problems.push(`entry ${i}: duration ${e.duration_ms}`);
    if (e.exit_code != null && !Number.isInteger(e.exit_code)) problems.push(`entry ${i}: exit ${e.exit_code}`);
  });
  for (const w of r.warnings) if (!(Number.isInteger(w.line) && w.line > 0 && typeof w.message === 'string')) problems.push(`warning ${JSON.stringify(w)}`);
  return problems;
}

describe('history parsers under fuzzing', () => {
  const all = inputs();
  const shells: (HistoryFormatName | 'auto')[] = [...FORMAT_NAMES, 'auto'];

  it(`${all.length} inputs x ${shells.length} parsers: well-formed entries or a UsageError, each fast`, () => {
    const outcomes: Record<string, { ok: number; usage: number }> = {};
    const bad: string[] = [];
    let slowest = 0;
    for (const [n, { kind, data }] of all.entries()) {
      for (const shell of shells) {
        const what = `input ${n} (${kind}, ${data.length} bytes) as ${shell}`;
        const o = (outcomes[shell] ??= { ok: 0, usage: 0 });
        const t0 = performance.now();
        try {
          const problems = malformed(parseHistory(data, shell, undefined, NOW));
          if (problems.length) bad.push(`${what}: ${problems.slice(0, 3).join('; ')}`);
          o.ok++;
        } catch (err) {
          if (!(err instanceof UsageError)) throw new Error(`${what}: ${(err as Error).stack}`);
          if ((err as Error).message.includes('\n')) bad.push(`${what}: multi-line error`);
          o.usage++;
        }
        slowest = Math.max(slowest, performance.now() - t0);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(slowest).toBeLessThan(SLOW_MS);
    // The text formats accept anything; atuin refuses what is not an atuin database.
    for (const s of ['zsh', 'bash', 'fish']) expect(outcomes[s]!.usage, s).toBe(0);
    expect(outcomes.atuin!.usage).toBeGreaterThan(0);
    expect(outcomes.atuin!.ok).toBeGreaterThan(0); // some damaged images still read
  });

  it('a megabyte of random bytes and of structured junk: linear, not quadratic', () => {
    const big = [randomBytes(1 << 20), Buffer.concat(Array.from({ length: 2000 }, tokens))];
    for (const data of big) {
      for (const shell of shells) {
        const t0 = performance.now();
        try {
          expect(malformed(parseHistory(data, shell, undefined, NOW)), `${data.length} bytes as ${shell}`).toEqual([]);
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
        }
        expect(performance.now() - t0, shell).toBeLessThan(2000);
      }
    }
  });

  it('importing junk into a real store is all or nothing', () => {
    const db = openDb(join(dir, 'mem.db'));
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM commands').get() as { n: number }).n;
    const aggregated = () => (db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM command_counts').get() as { n: number }).n;
    const states = () => (db.prepare('SELECT COUNT(*) AS n FROM history_imports').get() as { n: number }).n;
    const judge = (c: string) => (c.trim() === '' ? 'empty' : null);
    const filter = { reject: judge, rejectAll: (items: readonly ({ command: string } | null)[]) => items.map((it) => (it ? judge(it.command) : null)), problems: [] };
    let failed = 0;
    for (const [n, { data }] of all.filter((_, i) => i % 8 === 0).entries()) {
      const before = { rows: count(), states: states() };
      const file = join(dir, `junk-${n % 5}`); // files are re-imported, grown or shrunk
      try {
        const r = importHistory({ db, file, data, shell: pickOf([...FORMAT_NAMES, 'auto'] as const), filter, fallbackTs: NOW - DAY, now: NOW });
        expect(count()).toBe(before.rows + r.added);
        expect(r.added + r.already_present + r.filtered).toBe(r.entries);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        failed++;
        expect({ rows: count(), states: states() }).toEqual(before);
      }
      expect(aggregated()).toBe(count());
    }
    expect(failed).toBeGreaterThan(0);
    const bad = db.prepare('SELECT COUNT(*) AS n FROM commands WHERE ts < ? OR ts > ?').get(MIN_TS, NOW + DAY) as { n: number };
    expect(bad.n).toBe(0);
    db.close();
  });
});
