// The history picker's domain: matching (exact, prefix, fuzzy, smart case), ranking (match first,
// then recency, frequency, directory and what the predictor expects), scopes over a real store fed
// through the spool, `mem picker --json`, and deleting from history (`mem.history.remove`: the rows,
// the totals, the prediction statistics and the suggestion files).
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMem } from '../src/core/mem.js';
import { matchPositions, matchScore, parseQuery } from '../src/picker/match.js';
import { rank, recency, toCandidate, type RankContext } from '../src/picker/rank.js';
import { parseKeys } from '../src/picker/tui/keys.js';
import { frame, type View } from '../src/picker/tui/screen.js';
import { BIN, ROOT, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, spoolLine, stopIngester } from './shell-support.js';

const m = (q: string, line: string) => matchScore(parseQuery(q), line, line.toLowerCase());

describe('matching', () => {
  it.each([
    ['git co', 'git commit -m x', true],
    ['gco', 'git checkout main', true], // fuzzy: letters in order
    ['ocg', 'git checkout main', false], // not in order
    ["'gco", 'git checkout main', false], // exact asks for the text
    ["'check", 'git checkout main', true],
    ['^git', 'git status', true],
    ['^status', 'git status', false],
    ['Make', 'make test', false], // smart case: a capital asks for the case
    ['make', 'Make test', true],
    ['docker run', 'docker compose run', true], // every word, anywhere
    ['docker zzz', 'docker compose run', false],
    ['', 'anything', true],
  ])('%j against %j: %s', (q, line, hit) => {
    expect(m(q, line) > 0).toBe(hit);
  });

  it('text found whole beats letters in order; at a word start beats inside a word; earlier beats later', () => {
    expect(m('test', 'npm test')).toBeGreaterThan(m('test', 'tail -f e.st.t'));
    expect(m('run', 'npm run build')).toBeGreaterThan(m('run', 'cargo prune'));
    expect(m('make', 'make test')).toBeGreaterThan(m('make', 'cd src && ls && cd .. && make'));
    expect(m('gst', 'git status')).toBeGreaterThan(m('gst', 'grep -r something test'));
  });

  it('positions to highlight: the text, else the letters in order', () => {
    expect(matchPositions(parseQuery('com'), 'git commit')).toEqual([4, 5, 6]);
    expect(matchPositions(parseQuery('gcm'), 'git commit')).toEqual([0, 4, 6]);
    expect(matchPositions(parseQuery('^git'), 'git commit')).toEqual([0, 1, 2]);
  });
});

describe('ranking', () => {
  const now = 1_800_000_000_000;
  const H = 3_600_000;
  const ctx = (o: Partial<RankContext> = {}): RankContext => ({ now, here: new Map(), follows: new Map(), maxCount: 100, ...o });
  const c = (command: string, count: number, agoH: number) => toCandidate({ command, count, failures: 0, last_ts: now - agoH * H });

  it('the quality of the match comes before recency and frequency', () => {
    const pool = [c('git stash list', 100, 0), c('gradle status', 1, 24 * 30), c('git status', 1, 24 * 300)];
    expect(rank(pool, parseQuery('status'), ctx(), 10).top.map((r) => r.c.command)).toEqual(['git status', 'gradle status']);
  });

  it('among equal matches: recent and frequent first; the directory and what follows the last command lift a line', () => {
    const pool = [c('make test', 5, 48), c('make build', 5, 1), c('make lint', 50, 48)];
    const q = parseQuery('make');
    expect(rank(pool, q, ctx(), 10).top.map((r) => r.c.command)).toEqual(['make build', 'make lint', 'make test']);
    expect(rank(pool, q, ctx({ follows: new Map([['make test', 1]]) }), 10).top[0]!.c.command).toBe('make test');
    expect(rank(pool, q, ctx({ here: new Map([['make test', 9]]) }), 10).top[0]!.c.command).toBe('make test');
  });

  it('keeps the best `limit` in order and returns every match', () => {
    const pool = Array.from({ length: 500 }, (_, i) => c(`cmd ${i}`, 1 + (i % 7), i));
    const { top, matched } = rank(pool, parseQuery('cmd'), ctx(), 20);
    expect(matched).toHaveLength(500);
    expect(top).toHaveLength(20);
    const all = rank(pool, parseQuery('cmd'), ctx(), 500).top;
    expect(top.map((r) => r.c.command)).toEqual(all.slice(0, 20).map((r) => r.c.command));
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.score).toBeGreaterThanOrEqual(top[i]!.score);
  });

  it('recency falls with age', () => {
    expect(recency(0)).toBe(1);
    expect(recency(H)).toBeCloseTo(0.5);
    expect(recency(24 * H)).toBeGreaterThan(recency(24 * 30 * H));
  });
});

describe('keys and screen', () => {
  it('splits a chunk of input into keys', () => {
    expect(parseKeys('ab\x1b[A\r')).toEqual([{ kind: 'char', text: 'ab' }, { kind: 'up' }, { kind: 'enter' }]);
    expect(parseKeys('\x1b')).toEqual([{ kind: 'esc' }]);
    expect(parseKeys('\x12\x04\t\x7f\x1b[3~\x1bOB')).toEqual([{ kind: 'mode' }, { kind: 'delete' }, { kind: 'tab' }, { kind: 'backspace' }, { kind: 'delete' }, { kind: 'down' }]);
    expect(parseKeys('é✓')).toEqual([{ kind: 'char', text: 'é✓' }]);
  });

  const view = (over: Partial<View> = {}): View => ({
    mode: 'global',
    next: 'host',
    query: 'make',
    rows: [
      { command: 'make test', count: 3, failures: 1, last_ts: 1000, id: 1, exit_code: 2, duration_ms: 4200, cwd: '/p', score: 1 },
      { command: 'make build\nand more', count: 1, failures: 0, last_ts: 1000, id: 2, exit_code: 0, duration_ms: 15, cwd: '/p', score: 1 },
    ],
    matched: 2,
    total: 10,
    selected: 0,
    offset: 0,
    footer: null,
    now: 1000 + 3 * 3_600_000,
    ...over,
  });

  it('without colour: no escape sequence but cursor movement and line clearing; each row shows age, duration, failed exit and the command', () => {
    const text = frame(view(), 60, 8, false);
     
    expect(text.match(/\x1b\[[0-9;]*m/g)).toBeNull();
     
    const lines = text.replace(/\x1b\[[0-9;]*[HK]/g, '').split('\r\n');
    expect(lines[0]).toMatch(/^mem history: all history {2}\(Ctrl-R: this host\) +2\/10$/);
    expect(lines[1]).toBe('> make');
    expect(lines[2]).toBe(`>   3h   4.2s   ✗2  make test`);
    expect(lines[3]).toBe(`    3h   15ms       make build ↵…`);
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
  });

  it('with colour: the failed status in red, matched letters bold', () => {
    const text = frame(view({ selected: 1 }), 60, 8, true);
    expect(text).toContain('\x1b[31m');
    expect(text).toContain('\x1b[1;33mm\x1b[22;39m');
  });

  it('hostile lines fit the terminal: wide characters take two cells, no character is cut in half, no C1 control reaches the terminal', () => {
    // Cells as a terminal counts them, for the characters used here: CJK ideographs, kana and emoji two.
    const cellsOf = (s: string) => [...s].reduce((n, ch) => n + (/[\u3040-\u30ff\u4e00-\u9fff\u{1f300}-\u{1faff}]/u.test(ch) ? 2 : 1), 0);
    const base = view().rows[0]!;
    const rows = [
      'git commit -m "日本語のコミットメッセージを書きました、とても長い説明です"',
      'echo 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 done',
      'echo a\u009b31m b\u0085c',
      'x'.repeat(100_000),
    ].map((command, i) => ({ ...base, id: i + 1, command }));
    for (const color of [false, true]) {
      for (const width of [40, 41, 23]) {
        const text = frame(view({ rows, query: '日本語 の', selected: 0 }), width, 8, color);
        expect(text).not.toMatch(/[\u0080-\u009f]/);
        const lines = text.replace(/\x1b\[[0-9;]*[HKm]/g, '').split('\r\n');
        expect(lines).toHaveLength(8);
        for (const l of lines) {
          expect(cellsOf(l), `${width}: ${l}`).toBeLessThanOrEqual(width);
          expect(l, 'a lone surrogate').not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        }
        // The cursor goes back after the query, counted in cells.
        expect(text.endsWith(`\x1b[2;${Math.min(width, cellsOf('> 日本語 の') + 1)}H`)).toBe(true);
      }
    }
  });

  it('cuts long commands to the width with …', () => {
    const long = 'x'.repeat(200);
    const text = frame(view({ rows: [{ ...view().rows[0]!, command: long }] }), 50, 6, false);
     
    const row = text.replace(/\x1b\[[0-9;]*[HK]/g, '').split('\r\n')[2]!;
    expect(row).toHaveLength(50);
    expect(row.endsWith('…')).toBe(true);
  });
});

describe('the picker over a store', () => {
  let box: Sandbox;
  beforeEach(() => (box = sandbox()));
  afterEach(async () => {
    await stopIngester(box); // a deletion starts the background learner
    box.cleanup();
  });
  const MIN = 60_000;

  function capture(recs: { session: string; command: string; cwd: string; exit?: number; agoMin: number; host?: string }[], now = Date.now()): void {
    const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
    const seq = new Map<string, number>();
    for (const r of recs) {
      const n = (seq.get(r.session) ?? 0) + 1;
      seq.set(r.session, n);
      appendFileSync(join(dir, `${r.session}.spool`), spoolLine({ session: r.session, seq: n, startUs: (now - r.agoMin * MIN) * 1000, exit: r.exit ?? 0, cwd: r.cwd, command: r.command, host: r.host ?? 'hostA' }));
    }
  }
  const repo = () => join(box.dir, 'repo');
  const seed = () => {
    mkdirSync(join(repo(), '.git'), { recursive: true });
    mkdirSync(join(repo(), 'src'), { recursive: true });
    capture([
      { session: 's1', command: 'git status', cwd: repo(), agoMin: 50 },
      { session: 's1', command: 'make test', cwd: join(repo(), 'src'), exit: 2, agoMin: 40 },
      { session: 's1', command: 'git status', cwd: repo(), agoMin: 30 },
      { session: 's2', command: 'ls /tmp', cwd: '/tmp', agoMin: 20, host: 'hostB' },
      { session: 's2', command: 'git log', cwd: '/tmp', agoMin: 10, host: 'hostB' },
    ]);
  };
  const pick = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = box.dir) => {
    const r = box.mem(['picker', '--json', ...args], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    return r.json<{ mode: string; modes: string[]; matched: number; total: number; commands: { command: string; count: number; exit_code: number | null; cwd: string | null; id: number }[] }>();
  };

  it('mem picker --json: the ranked distinct commands matching the query, with their latest run', () => {
    seed();
    const all = pick(['']);
    expect(all.total).toBe(4);
    expect(all.commands.map((c) => c.command).sort()).toEqual(['git log', 'git status', 'ls /tmp', 'make test']);
    const git = pick(['git s']);
    expect(git.commands[0]).toMatchObject({ command: 'git status', count: 2, exit_code: 0, cwd: repo() });
    expect(pick(['mk tst']).commands.map((c) => c.command)).toEqual(['make test']);
    expect(pick(['mk tst']).commands[0]!.exit_code).toBe(2);
    expect(pick(['nothing-like-it']).commands).toEqual([]);
  });

  it('scopes: this session, this directory, this repository, this host', () => {
    seed();
    const names = (r: ReturnType<typeof pick>) => r.commands.map((c) => c.command).sort();
    expect(names(pick(['', '--mode', 'session'], { MEM_SESSION: 's2' }))).toEqual(['git log', 'ls /tmp']);
    expect(names(pick(['', '--mode', 'directory'], {}, '/tmp'))).toEqual(['git log', 'ls /tmp']);
    expect(names(pick(['', '--mode', 'repository'], {}, join(repo(), 'src')))).toEqual(['git status', 'make test']);
    expect(pick(['', '--mode', 'repository'], {}, join(repo(), 'src')).modes).toContain('repository');
    // Outside a repository, or without a session, those scopes are not offered.
    const r = box.mem(['picker', '--json', '--mode', 'repository'], { cwd: '/' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not in a git repository/);
    expect(pick([''], {}, '/').modes).toEqual(['global', 'host', 'directory']);
    const bad = box.mem(['picker', '--mode', 'planet']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("mem: --mode must be one of global, host, session, directory, repository, got 'planet'\n");
    // This host: the sessions that ran on it.
    const mem = openMem({ env: { ...box.env }, cwd: box.dir });
    try {
      expect(mem.picker.open({ host: 'hostB', mode: 'host' }).search('', 10).rows.map((r) => r.command).sort()).toEqual(['git log', 'ls /tmp']);
      expect(mem.picker.open({ host: 'hostA', mode: 'host' }).search('', 10).rows.map((r) => r.command).sort()).toEqual(['git status', 'make test']);
    } finally {
      mem.close();
    }
  });

  it('without a terminal: one line and exit 2 (the widget gets `cancel` and leaves the line alone)', () => {
    seed();
    const cli = spawnSync('setsid', ['-w', process.execPath, BIN, 'picker'], { env: box.env, encoding: 'utf8', input: '' });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('mem: the picker needs a terminal (/dev/tty)\n');
    expect(cli.stdout).toBe('');
    const widget = spawnSync('setsid', ['-w', process.execPath, join(ROOT, 'dist', 'picker.cjs'), '--query', 'x'], { env: box.env, encoding: 'utf8', input: '' });
    expect(widget.status).toBe(2);
    expect(widget.stdout).toBe('cancel\n');
  });

  it('mem.history.remove deletes the rows and what is derived from them; the picker no longer offers them', () => {
    seed();
    const env = { ...box.env };
    const mem = openMem({ env, cwd: box.dir });
    try {
      mem.predict.next({ session: 's1' }); // ingests and learns
      const suggest = ensureDir(join(box.env.MEM_HOME!, 'suggest'));
      writeFileSync(join(suggest, 's1'), 'git status\n');
      const picker = mem.picker.open({});
      const ids = picker.idsOf('git status');
      expect(ids).toHaveLength(2);
      expect(mem.history.remove(ids, { background: true })).toMatchObject({ removed: 2 });
      expect(() => mem.history.remove(ids, { background: true })).toThrow(/no command with id/);
      picker.reload();
      expect(picker.search('git status', 10).rows.map((r) => r.command)).toEqual([]);
      expect(existsSync(join(suggest, 's1'))).toBe(false);
      expect(() => mem.history.remove([0])).toThrow(/ids/);
    } finally {
      mem.close();
    }
    const db = new Database(box.db, { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) FROM commands WHERE command = 'git status'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT COUNT(*) FROM command_counts WHERE command = 'git status'").pluck().get()).toBe(0);
      // The prediction statistics were reset and the feed forgot its copies: nothing holds the text.
      for (const t of ['predict_commands', 'predict_transitions', 'predict_streams', 'workflows', 'events']) {
        const rows = db.prepare(`SELECT * FROM ${t}`).all();
        expect(JSON.stringify(rows), t).not.toContain('git status');
      }
    } finally {
      db.close();
    }
  });

  it('the whole history read a page at a time (warm): 0, 999, 1,000, 1,001 and 2,000 distinct commands, nothing lost or twice, whatever the case, accents, emoji', () => {
    for (const n of [0, 999, 1000, 1001, 2000]) {
      const b = sandbox();
      try {
        // Commands that differ only by case or by an accent or emoji, around the page boundaries.
        const cmds = Array.from({ length: n }, (_, i) => [`ECHO ${i}`, `echo ${i} \u00e9\u{1F600}`, `echo ${i}`, `echo ${i} e\u0301`][i % 4]!);
        writeFileSync(join(b.dir, 'h'), cmds.map((c, i) => `: ${1_700_000_000 + i}:0;${c}\n`).join(''));
        expect(b.mem(['import-history', '--shell', 'zsh', join(b.dir, 'h'), '--no-learn']).code).toBe(0);
        const mem = openMem({ env: { ...b.env }, cwd: b.dir });
        try {
          const picker = mem.picker.open({ quickStart: true });
          picker.search('', 10);
          let steps = 0;
          while (!picker.warm()) expect(++steps).toBeLessThan(10);
          const got = picker.search('', 100_000).rows.map((r) => r.command);
          expect(got.length, `${n}`).toBe(new Set(got).size);
          expect([...got].sort(), `${n}`).toEqual([...new Set(cmds)].sort());
        } finally {
          mem.close();
        }
      } finally {
        b.cleanup();
      }
    }
  });

  it('a command deleted while the history is still being read is gone from the screen at once (not offered from the first screen)', () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `: ${1_700_000_000 + i}:0;echo ${i}\n`);
    writeFileSync(join(box.dir, 'h'), lines.join(''));
    expect(box.mem(['import-history', '--shell', 'zsh', join(box.dir, 'h'), '--no-learn']).code).toBe(0);
    const mem = openMem({ env: { ...box.env }, cwd: box.dir });
    try {
      const picker = mem.picker.open({ quickStart: true });
      const first = picker.search('', 10);
      expect(first.partial).toBe(true);
      const victim = first.rows[0]!.command;
      expect(victim).toBe('echo 2499');
      picker.warm(); // the context
      picker.warm(); // a first page of three: still partial
      mem.history.remove(picker.idsOf(victim), { background: true });
      picker.reload();
      expect(picker.search('', 10).rows.map((r) => r.command)).not.toContain(victim);
      expect(picker.search('echo 2499', 10).rows.map((r) => r.command)).toEqual([]);
      while (!picker.warm());
      expect(picker.search('', 10).rows.map((r) => r.command)).not.toContain(victim);
      expect(picker.search('', 100_000).rows).toHaveLength(2499);
    } finally {
      mem.close();
    }
  });
});
