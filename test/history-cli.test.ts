// The history commands end to end, on spool records written in the hooks' format and on history
// files: mem history filters and output, import-history, prune, the shell section of stats, init.
import Database from 'better-sqlite3';
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aiAttempt, jsonl, ROOT, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, history, spoolLine, type HistoryRow } from './shell-support.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const TOKEN = 'ghp_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa'.slice(0, 36);
const MIN = 60_000;

interface Rec {
  session: string;
  command: string;
  cwd: string;
  exit?: number;
  agoMs: number;
  durationMs?: number;
}

/** Writes records as the hooks would (one spool file per session, seq in order). */
function capture(recs: Rec[], now = Date.now()): void {
  const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
  const seq = new Map<string, number>();
  for (const r of recs) {
    const n = (seq.get(r.session) ?? 0) + 1;
    seq.set(r.session, n);
    appendFileSync(join(dir, `${r.session}.spool`), spoolLine({ session: r.session, seq: n, startUs: (now - r.agoMs) * 1000, durationMs: r.durationMs ?? 12, exit: r.exit ?? 0, cwd: r.cwd, command: r.command }));
  }
}

const commands = (rows: HistoryRow[]) => rows.map((r) => r.command);

describe('mem history', () => {
  const proj = () => join(box.dir, 'proj');
  const seed = () =>
    capture([
      { session: 'sA', command: 'git status', cwd: '/p/one', agoMs: 180 * MIN },
      { session: 'sA', command: 'git commit -m "fix"', cwd: '/p/one', agoMs: 30 * MIN },
      { session: 'sA', command: 'make test', cwd: '/p/two', exit: 2, agoMs: 20 * MIN, durationMs: 4200 },
      { session: 'sB', command: 'npm run build', cwd: '/p/two', exit: 1, agoMs: 10 * MIN },
      { session: 'sB', command: 'ls -la', cwd: proj(), agoMs: 5 * MIN },
      { session: 'sB', command: 'echo "two\nlines"', cwd: proj(), agoMs: 4 * MIN },
    ]);

  it('lists everything newest last, as JSON with the documented fields', () => {
    seed();
    const rows = history(box);
    expect(commands(rows)).toEqual(['git status', 'git commit -m "fix"', 'make test', 'npm run build', 'ls -la', 'echo "two\nlines"']);
    const ts = rows.map((r) => Date.parse(r.timestamp));
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['author', 'author_kind', 'command', 'cwd', 'duration_ms', 'exit_code', 'git_root', 'host', 'id', 'intent', 'session', 'shell', 'source', 'timestamp', 'user']);
    }
    expect(rows[2]).toMatchObject({ command: 'make test', cwd: '/p/two', exit_code: 2, duration_ms: 4200, session: 'sA', shell: 'bash', host: 'host', user: 'tester', source: 'hook', git_root: null });
    expect(rows[2]).toMatchObject({ author: 'tester', author_kind: 'human', intent: null });
    expect(rows[2]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('filters by session, this session, directory, failure, age and count, and combines them', () => {
    seed();
    expect(commands(history(box, ['--session', 'sA']))).toEqual(['git status', 'git commit -m "fix"', 'make test']);
    expect(commands(history(box, ['--this-session'], { MEM_SESSION: 'sB' }))).toEqual(['npm run build', 'ls -la', 'echo "two\nlines"']);
    expect(commands(history(box, ['--cwd', '/p/two']))).toEqual(['make test', 'npm run build']);
    expect(commands(box.mem(['history', '--json', '--cwd', 'proj'], { cwd: box.dir }).json().commands)).toEqual(['ls -la', 'echo "two\nlines"']);
    expect(commands(history(box, ['--failed']))).toEqual(['make test', 'npm run build']);
    expect(commands(history(box, ['--since', '1h']))).toEqual(['git commit -m "fix"', 'make test', 'npm run build', 'ls -la', 'echo "two\nlines"']);
    expect(commands(history(box, ['--since', '15m']))).toEqual(['npm run build', 'ls -la', 'echo "two\nlines"']);
    expect(commands(box.mem(['history', '--json', '--limit', '2']).json().commands)).toEqual(['ls -la', 'echo "two\nlines"']); // the newest two, newest last
    expect(commands(history(box, ['--failed', '--session', 'sA']))).toEqual(['make test']);
    expect(commands(history(box, ['--session', 'nope']))).toEqual([]);
  });

  it('human output has no escape codes when not a terminal', () => {
    seed();
    const r = box.mem(['history']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/\x1b/);
    for (const c of ['git status', 'make test', 'npm run build', '# /p/two']) expect(r.stdout).toContain(c);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(7); // six commands, one of them on two lines
  });

  it('rejects bad options with exit 2 and a one-line error', () => {
    for (const args of [['--limit', 'x'], ['--limit', '0'], ['--since', 'yesterday-ish'], ['--session', 'a', '--this-session']]) {
      const r = box.mem(['history', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^mem: [^\n]+\n$/);
    }
    expect(box.mem(['history', '--limit', 'x']).stderr).toContain('--limit');
    const noSession = box.mem(['history', '--this-session']);
    expect(noSession.code).toBe(2);
    expect(noSession.stderr).toMatch(/^mem: .*MEM_SESSION.*\n$/);
  });
});

describe('mem import-history', () => {
  const T = 1_700_000_000;
  const zshExtended = [
    `: ${T}:5;git status`,
    `: ${T + 100}:0;git commit -m "first"`,
    `: ${T + 200}:3;for i in 1 2; do\\`,
    '  echo $i\\',
    'done',
    `: ${T + 300}:0; echo private`,
    `: ${T + 400}:0;export GITHUB_TOKEN=${TOKEN}`,
    `: ${T + 500}:0;vault login -method=userpass`,
    '',
  ].join('\n');
  const filter = { MEM_HISTORY_IGNORE_COMMANDS: '^vault ' };
  const file = (name: string, text: string) => {
    const path = join(box.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const imp = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = box.mem(['import-history', '--json', ...args], { env });
    expect(r.code, r.stderr).toBe(0);
    return r.json();
  };

  it('zsh extended: timestamps and durations kept, multi-line whole, secrets masked, filters applied, idempotent, grows by the tail', () => {
    const path = file('history-one', zshExtended);
    expect(imp([path], filter)).toEqual({ file: path, shell: 'zsh', entries: 6, added: 4, already_present: 0, filtered: 2, warning_count: 0, warnings: [] });
    const rows = history(box);
    expect(commands(rows)).toEqual(['git status', 'git commit -m "first"', 'for i in 1 2; do\n  echo $i\ndone', 'export GITHUB_TOKEN=[REDACTED:github_token]']);
    expect(rows[0]).toMatchObject({ timestamp: new Date(T * 1000).toISOString(), duration_ms: 5000, source: 'import:zsh', shell: 'zsh', session: null, cwd: null, exit_code: null });
    expect(rows[2]!.timestamp).toBe(new Date((T + 200) * 1000).toISOString());
    expect(JSON.stringify(rows)).not.toContain(TOKEN);

    // Again: nothing new. Then the file grows: only the new tail is added.
    expect(imp([path], filter)).toMatchObject({ entries: 6, added: 0, already_present: 4, filtered: 2 });
    appendFileSync(path, `: ${T + 600}:1;git push\n: ${T + 700}:0;git status\n`);
    expect(imp([path], filter)).toMatchObject({ entries: 8, added: 2, already_present: 4, filtered: 2 });
    expect(commands(history(box)).slice(-2)).toEqual(['git push', 'git status']);
    // Without the filter the vault command is not filtered any more (the private one still is).
    expect(imp([path])).toMatchObject({ added: 1, filtered: 1 });
  });

  it('zsh simple and bash plain: detected by name, placed just before the file time in file order', () => {
    const zsh = file('.zsh_history', 'ls -la\ncd /tmp\ngit log --oneline\n');
    const bash = file('.bash_history', 'ls\ngit push\ndocker ps\n');
    expect(imp(['--shell', 'auto', zsh])).toMatchObject({ shell: 'zsh', entries: 3, added: 3 });
    expect(imp([bash])).toMatchObject({ shell: 'bash', entries: 3, added: 3 });
    const rows = history(box);
    for (const [name, path, cmds] of [
      ['zsh', zsh, ['ls -la', 'cd /tmp', 'git log --oneline']],
      ['bash', bash, ['ls', 'git push', 'docker ps']],
    ] as const) {
      const mine = rows.filter((r) => r.source === `import:${name}`);
      expect(commands(mine)).toEqual(cmds);
      const ts = mine.map((r) => Date.parse(r.timestamp));
      expect(ts.every((t, i) => i === 0 || t > ts[i - 1]!)).toBe(true);
      expect(Math.max(...ts)).toBeLessThanOrEqual(statSync(path).mtimeMs);
      expect(Math.min(...ts)).toBeGreaterThan(statSync(path).mtimeMs - 1000);
    }
    expect(imp([zsh])).toMatchObject({ added: 0, already_present: 3 });
  });

  it('bash with #epoch lines: detected from content, timestamps and multi-line entries kept', () => {
    const path = file('hist.txt', [`#${T + 1000}`, 'git pull', `#${T + 1060}`, 'echo "multi', 'line"', `#${T + 1120}`, ' echo private-bash', `#${T + 1180}`, `curl -H "Authorization: token ${TOKEN}" https://api.github.com`, ''].join('\n'));
    expect(imp([path])).toEqual({ file: path, shell: 'bash', entries: 4, added: 3, already_present: 0, filtered: 1, warning_count: 0, warnings: [] });
    const rows = history(box);
    expect(commands(rows)).toEqual(['git pull', 'echo "multi\nline"', 'curl -H "Authorization: token [REDACTED:github_token]" https://api.github.com']);
    expect(rows.map((r) => r.timestamp)).toEqual([T + 1000, T + 1060, T + 1180].map((s) => new Date(s * 1000).toISOString()));
    expect(rows[1]).toMatchObject({ source: 'import:bash', duration_ms: null });
    expect(imp(['--shell', 'bash', path])).toMatchObject({ added: 0, already_present: 3 });
  });

  it('defaults to $HISTFILE; a missing or unknown file or shell is a usage error (exit 2)', () => {
    const path = file('my-history', 'echo from-histfile\n');
    expect(imp([], { HISTFILE: path })).toMatchObject({ file: path, added: 1 });
    for (const [args, env, msg] of [
      [['import-history', join(box.dir, 'missing')], {}, /no such file/],
      [['import-history'], { HISTFILE: join(box.dir, 'missing') }, /no history file found/],
      [['import-history', '--shell', 'tcsh', path], {}, /--shell must be atuin, zsh, bash, fish or auto/],
      [['import-history', box.dir], {}, /directory/],
    ] as const) {
      const r = box.mem([...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^mem: [^\n]+\n$/);
      expect(r.stderr).toMatch(msg);
    }
  });

  const shared = join(ROOT, '..', 'shared', 'data', 'histories', 'zsh-dev');
  it.skipIf(!existsSync(shared))('real zsh histories, read in place: entry counts, a multi-line entry whole, re-import adds nothing', () => {
    const expected: Record<string, number> = { 'u01.zsh_history': 10_099, 'u02.zsh_history': 10_199, 'u03.zsh_history': 5_284, 'u07.zsh_history': 11_324 };
    let added = 0;
    for (const [name, entries] of Object.entries(expected)) {
      const path = join(shared, name);
      const r = imp([path]);
      expect(r).toMatchObject({ file: path, shell: 'zsh', entries, already_present: 0 });
      expect(r.added + r.filtered).toBe(entries);
      added += r.added;
    }
    const db = new Database(box.db, { readonly: true });
    try {
      expect((db.prepare('SELECT COUNT(*) AS n FROM commands').get() as { n: number }).n).toBe(added);
      const multi = db.prepare('SELECT ts, source FROM commands WHERE command = ?').all('npm i\nnpm run build\nhttp-server test &');
      expect(multi).toEqual([{ ts: 1_626_986_800_000, source: 'import:zsh' }]);
    } finally {
      db.close();
    }
    for (const name of Object.keys(expected)) expect(imp([join(shared, name)])).toMatchObject({ added: 0 });
  });
});

describe('mem prune', () => {
  const secretTool = { MEM_HISTORY_IGNORE_COMMANDS: '^secret-tool' };
  const shellTotals = () => box.mem(['stats', '--json']).json().shell;

  it('applies a filter added later: dry run reports and changes nothing, prune removes, stats follow', () => {
    capture([
      { session: 's1', command: 'secret-tool lookup app x', cwd: '/w', agoMs: 50 * MIN },
      { session: 's1', command: 'git status', cwd: '/w', agoMs: 40 * MIN },
      { session: 's1', command: 'secret-tool store --label=y', cwd: '/w', exit: 1, agoMs: 30 * MIN },
      { session: 's1', command: 'git commit -m x', cwd: '/w', agoMs: 20 * MIN },
      { session: 's1', command: 'ls', cwd: '/w', agoMs: 10 * MIN },
    ]);
    expect(history(box)).toHaveLength(5);
    expect(shellTotals()).toMatchObject({ total_commands: 5, unique_commands: 5 });

    const dry = box.mem(['prune', '--dry-run', '--json'], { env: secretTool });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json()).toEqual({ dry_run: true, commands: { deleted: 2, redacted: 0, reasons: { 'history.ignore_commands': 2 } }, fix_attempts: { redacted: 0 }, relearned: 0 });
    expect(history(box)).toHaveLength(5);
    expect(shellTotals().total_commands).toBe(5);
    const human = box.mem(['prune', '--dry-run'], { env: secretTool });
    expect(human.stdout).toMatch(/^dry run: commands: 2 would be removed \(2 history\.ignore_commands\)/);

    expect(box.mem(['prune', '--json'], { env: secretTool }).json()).toMatchObject({ dry_run: false, commands: { deleted: 2 }, relearned: 3 });
    expect(commands(history(box))).toEqual(['git status', 'git commit -m x', 'ls']);
    const after = shellTotals();
    expect(after).toMatchObject({ total_commands: 3, unique_commands: 3, failure_rate: 0 });
    expect(after.top_commands.map((c: { name: string }) => c.name)).not.toContain('secret-tool');
    // Nothing left to do; and new captures are filtered on the way in.
    expect(box.mem(['prune', '--json'], { env: secretTool }).json().commands.deleted).toBe(0);
    capture([{ session: 's2', command: 'secret-tool lookup again', cwd: '/w', agoMs: MIN }]);
    expect(commands(history(box, [], secretTool))).toEqual(['git status', 'git commit -m x', 'ls']);
  });

  it('redacts commands and fix attempts stored before a redaction existed', () => {
    capture([{ session: 's1', command: 'git status', cwd: '/w', agoMs: 5 * MIN }]);
    expect(history(box)).toHaveLength(1);
    const rec = box.mem(['fix', 'record', '--from-json', '-'], { input: jsonl([aiAttempt()]) });
    expect(rec.code, rec.stderr).toBe(0);
    // An old store: raw secrets, written behind mem's back.
    const db = new Database(box.db);
    db.prepare("INSERT INTO commands (uid, command, cwd, exit_code, ts, duration_ms, session, shell, source) VALUES ('old:1', ?, '/w', 0, ?, 5, 'old', 'bash', 'hook')").run(
      `curl -H "Authorization: token ${TOKEN}" https://api.github.com/user`,
      Date.now() - 60 * MIN,
    );
    db.prepare('UPDATE fix_attempts SET description = ?, notes = ?, fix_commands = ?').run(`token ${TOKEN} expired`, `see ${TOKEN}`, JSON.stringify([`export GITHUB_TOKEN=${TOKEN}`, 'ollama pull llama3:8b']));
    db.close();

    expect(box.mem(['prune', '--dry-run', '--json']).json()).toEqual({ dry_run: true, commands: { deleted: 0, redacted: 1, reasons: {} }, fix_attempts: { redacted: 1 }, relearned: 0 });
    const raw = new Database(box.db, { readonly: true });
    expect((raw.prepare("SELECT command FROM commands WHERE uid = 'old:1'").get() as { command: string }).command).toContain(TOKEN);
    raw.close();

    expect(box.mem(['prune', '--json']).json()).toMatchObject({ commands: { redacted: 1 }, fix_attempts: { redacted: 1 } });
    const check = new Database(box.db, { readonly: true });
    try {
      expect((check.prepare("SELECT command FROM commands WHERE uid = 'old:1'").get() as { command: string }).command).toBe(
        'curl -H "Authorization: token [REDACTED:github_token]" https://api.github.com/user',
      );
      const fix = check.prepare('SELECT description, notes, fix_commands FROM fix_attempts').get() as Record<string, string>;
      expect(fix.description).toBe('token [REDACTED:github_token] expired');
      expect(fix.notes).toBe('see [REDACTED:github_token]');
      expect(JSON.parse(fix.fix_commands!)).toEqual(['export GITHUB_TOKEN=[REDACTED:github_token]', 'ollama pull llama3:8b']);
      const dump = JSON.stringify(check.prepare('SELECT * FROM commands').all()) + JSON.stringify(check.prepare('SELECT * FROM fix_attempts').all());
      expect(dump).not.toContain(TOKEN);
    } finally {
      check.close();
    }
    // The rebuilt aggregates count the old command, and the fix aggregates still add up.
    expect(shellTotals().total_commands).toBe(2);
    const doctor = box.mem(['doctor', '--json']).json();
    expect(doctor.checks.find((c: { name: string }) => c.name === 'fix aggregates')).toMatchObject({ status: 'ok' });
    expect(box.mem(['prune', '--json']).json()).toMatchObject({ commands: { redacted: 0 }, fix_attempts: { redacted: 0 } });
  });
});

describe('mem stats --json, shell section', () => {
  it('counts captured and imported commands: totals, unique, top commands and subcommands, failure rate', () => {
    capture([
      { session: 's1', command: 'git commit -m a', cwd: '/w', agoMs: 9 * MIN },
      { session: 's1', command: 'git commit -m b', cwd: '/w', exit: 1, agoMs: 8 * MIN },
      { session: 's1', command: 'git status', cwd: '/w', agoMs: 7 * MIN },
      { session: 's2', command: 'make', cwd: '/w', exit: 2, agoMs: 6 * MIN },
      { session: 's2', command: 'git status', cwd: '/w', agoMs: 5 * MIN },
    ]);
    expect(history(box)).toHaveLength(5);
    const path = join(box.dir, '.bash_history');
    writeFileSync(path, 'git push\nls\n');
    expect(box.mem(['import-history', path]).code).toBe(0);
    const s = box.mem(['stats', '--json']).json().shell;
    expect(s).toMatchObject({ total_commands: 7, unique_commands: 6, sessions: 2 });
    expect(s.failure_rate).toBeCloseTo(2 / 5); // of the commands whose exit code is known
    expect(s.top_commands[0]).toEqual({ name: 'git', count: 5, failures: 1 });
    expect(s.top_commands).toContainEqual({ name: 'make', count: 1, failures: 1 });
    expect(s.top_commands).toContainEqual({ name: 'ls', count: 1, failures: 0 });
    expect(s.top_subcommands[0]).toEqual({ command: 'git commit', count: 2, failures: 1 });
    expect(s.top_subcommands).toContainEqual({ command: 'git status', count: 2, failures: 0 });
    expect(s.top_subcommands).toContainEqual({ command: 'git push', count: 1, failures: 0 });
    expect(s.activity_per_day).toHaveLength(30);
    const today = new Date().toISOString().slice(0, 10);
    expect(s.activity_per_day.at(-1).day).toBe(today);
  });
});
