// `mem history rm`: deleted commands are gone everywhere, as after `mem prune`: from the history,
// the prediction statistics, the graph, workflows, suggestion files and events, and from the bytes
// of the store, its WAL and a later backup; the statistics are those of a history that never had
// them. By id or by regex; dry runs; confirmation.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, missingTools, spoolLine, Tmux, until } from './shell-support.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const PRIVATE = 'ssh deploy@zebra91.internal';
const MIN = 60_000;
const NOW = Date.now();
const NO_EMBED = { MEM_EMBEDDING_PROVIDER: 'none' };

function sessions(withPrivate: boolean): Record<string, { command: string; ts: number }[]> {
  let t = NOW - 300 * MIN;
  const day = (extra: string[]) =>
    ['cd /w', 'git pull', PRIVATE, 'make build', 'make test', 'git push', ...extra].map((command) => ({ command, ts: (t += MIN) })).filter((c) => withPrivate || c.command !== PRIVATE);
  return { s1: day(['ls']), s2: day(['git status']), s3: day(['make build']) };
}

function capture(all: Record<string, { command: string; ts: number }[]>): void {
  const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
  for (const [session, commands] of Object.entries(all)) {
    writeFileSync(join(dir, `${session}.spool`), commands.map((c, i) => spoolLine({ session, seq: i + 1, startUs: c.ts * 1000, cwd: '/w', command: c.command })).join(''));
  }
}

const ok = (args: string[], opts: { input?: string } = {}) => {
  const r = box.mem(args, { env: NO_EMBED, ...opts });
  expect(r.code, `mem ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};

function derivedViews(): string {
  const predict = [['--context', 'git pull'], ['--session', 's3'], []].map((a) => ok(['predict', '--json', '--top-k', '10', ...a]).stdout);
  const suggest = join(box.env.MEM_HOME!, 'suggest');
  const files = existsSync(suggest) ? readdirSync(suggest).map((f) => readFileSync(join(suggest, f), 'utf8')) : [];
  return [...predict, ok(['graph', '--json', '--top', '1000']).stdout, ok(['workflows', '--json', '--min-count', '2']).stdout, ok(['events', '--json', '--limit', '1000']).stdout, ...files].join('\n');
}

function storeBytes(): string {
  const backup = ok(['backup', '--dir', join(box.dir, 'backups'), '--json']).json().path as string;
  const read = (p: string) => (existsSync(p) ? readFileSync(p).toString('latin1') : '');
  return [read(box.db), read(`${box.db}-wal`), read(backup)].join('\n');
}

const PREDICT_TABLES = ['predict_commands', 'predict_transitions', 'predict_contexts', 'predict_streams', 'workflows', 'workflow_dirs', 'command_counts', 'command_name_counts', 'command_daily', 'shell_sessions'];
function dump(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(PREDICT_TABLES.map((t) => [t, (db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all() as Record<string, unknown>[]).map(({ updated_at: _u, ...r }) => r)]));
  } finally {
    db.close();
  }
}

const historyOf = () => ok(['history', '--json', '--limit', '1000']).json().commands as { id: number; command: string }[];

describe('mem history rm', () => {
  it('--match: the commands and everything learned from them are gone, from every view and from the bytes on disk', () => {
    capture(sessions(true));
    ok(['__ingest', '--learn-all']);
    expect(derivedViews()).toContain('zebra91');
    expect(storeBytes()).toContain('zebra91');

    const dry = ok(['history', 'rm', '--match', 'zebra9[0-9]', '--dry-run', '--json']).json();
    expect(dry).toMatchObject({ dry_run: true, removed: 0 });
    expect(dry.commands).toHaveLength(3);
    expect(historyOf()).toHaveLength(21);

    const r = ok(['history', 'rm', '--match', 'zebra9[0-9]', '--yes', '--json']).json();
    expect(r).toMatchObject({ dry_run: false, removed: 3, relearned: 18, timed_out: 0 });
    expect(historyOf().map((c) => c.command)).not.toContain(PRIVATE);
    expect(derivedViews()).not.toContain('zebra91');
    expect(storeBytes()).not.toContain('zebra91');
    expect(derivedViews()).toContain('make test'); // still predicting

    // The statistics are those of a history that never had the command.
    const removed = dump(box.db);
    const mine = box;
    box = sandbox();
    try {
      capture(sessions(false));
      ok(['__ingest', '--learn-all']);
      expect(removed).toEqual(dump(box.db));
    } finally {
      box.cleanup();
      box = mine;
    }
  });

  it('by id: exactly those rows; an unknown id deletes nothing', () => {
    capture(sessions(true));
    ok(['__ingest', '--learn-all']);
    const rows = historyOf();
    const victims = rows.filter((c) => c.command === 'git status' || c.command === 'ls');
    const missing = box.mem(['history', 'rm', String(victims[0]!.id), '999999', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('mem: no command with id 999999; nothing was deleted\n');
    expect(historyOf()).toHaveLength(21);

    const r = ok(['history', 'rm', ...victims.map((v) => String(v.id)), '--yes']);
    expect(r.stdout).toBe('deleted 2 commands; predictions relearned from the 19 that remain\n');
    expect(historyOf().map((c) => c.id)).toEqual(rows.filter((c) => !victims.includes(c)).map((c) => c.id));
    expect(ok(['predict', '--json', '--top-k', '10', '--context', 'git push']).stdout).not.toMatch(/"git status"|"ls"/);
  });

  it('asks before deleting: without a terminal it needs --yes (exit 2, nothing deleted); bad input is a usage error', () => {
    capture(sessions(true));
    ok(['__ingest']);
    const r = box.mem(['history', 'rm', '--match', 'zebra91']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mem: this deletes 3 commands and what was learned from them; give --yes to confirm (--dry-run shows them)\n');
    expect(historyOf()).toHaveLength(21);
    for (const args of [['rm'], ['rm', 'abc', '--yes'], ['rm', '1', '--match', 'x'], ['rm', '--match', '(a+)+$', '--yes'], ['rm', '--match', '[', '--yes']]) {
      const bad = box.mem(['history', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(historyOf()).toHaveLength(21);
    expect(ok(['history', 'rm', '--match', 'nothing-like-this', '--yes']).stdout).toBe('no command matches: nothing deleted\n');
  });

  it('a regex that runs away on line after line is given up on (exit 2, nothing deleted), not run for hours', () => {
    // `.*.*.*.*.*.*.*x` passes the static check (no nested repetition) but backtracks polynomially:
    // on a 100-character line without an x it runs out of its time budget. Over 400 such lines,
    // each given its budget twice, that was minutes; over a real history, hours.
    const lines = Array.from({ length: 400 }, (_, i) => `: ${1_700_000_000 + i}:0;echo ${'y'.repeat(95)} ${i}`);
    writeFileSync(join(box.dir, 'h'), lines.join('\n') + '\n');
    ok(['import-history', '--shell', 'zsh', join(box.dir, 'h'), '--no-learn']);
    for (const args of [['history', 'rm', '--match', '.*.*.*.*.*.*.*x', '--yes'], ['history', '--regex', '.*.*.*.*.*.*.*x'], ['history', 'rm', '--match', '.*.*.*.*.*.*.*x', '--dry-run', '--json']]) {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...box.env, ...NO_EMBED }, encoding: 'utf8', timeout: 60_000 });
      expect(r.signal, args.join(' ')).toBeNull();
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/ran out of its 100 ms on 5 lines.*simplify it/);
      expect(Date.now() - t0).toBeLessThan(30_000);
    }
    expect(ok(['history', '-n', '1000', '--json']).json().commands).toHaveLength(400);
  });

  it.skipIf(missingTools(['tmux']).length)('on a terminal, the question left with Ctrl-C (exit 130) or Ctrl-D (a no, exit 0): nothing deleted, one line, no internal error', async () => {
    capture(sessions(true));
    ok(['history', '-n', '1']); // ingested
    const tmux = new Tmux();
    try {
      for (const [key, code] of [['C-c', 130], ['C-d', 0]] as const) {
        const w = tmux.start(['bash', '--norc', '--noprofile'], { PATH: process.env.PATH!, ...(box.env as Record<string, string>), ...NO_EMBED, PS1: '$ ', HISTFILE: '/dev/null' }, box.dir);
        tmux.type(w, `"${process.execPath}" "${BIN}" history rm --match zebra91; echo "rc=$?"`);
        await until('the question', () => tmux.capture(w).includes('[y/N]'), 20_000);
        tmux.key(w, key);
        const screen = await until('the exit code', () => /\nrc=\d+/.test(tmux.capture(w)) && tmux.capture(w), 20_000);
        expect(screen, key).toContain('\nmem: cancelled: nothing changed\n');
        expect(screen, key).not.toContain('internal error');
        expect(screen, key).toContain(`\nrc=${code}\n`);
        expect(ok(['history', '--cmd-only', '-n', '1000']).stdout, key).toContain(PRIVATE);
      }
    } finally {
      tmux.kill();
    }
  });
});
