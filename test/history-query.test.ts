// `mem history [QUERY]`: substring, fuzzy, prefix and regex matching, the filters (exit, before /
// after, host, author), output for scripts (--format, --cmd-only, --print0, --reverse), and empty
// answers that say which filter matched nothing. In-process over a temp store with a fixed clock;
// records are spooled as the hooks write them.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSince } from '../src/util/time.js';
import { ensureDir, spoolLine } from './shell-support.js';
import { memIn, type InProcess } from './support/inproc.js';

const MIN = 60_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mem-hq-'));
  env = { HOME: dir, MEM_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), MEM_EMBEDDING_PROVIDER: 'none', MEM_NO_WORKER: '1', TZ: 'UTC' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mem = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<InProcess> => memIn({ env: { ...env, ...extra }, cwd: dir, now: () => NOW }, args);
async function ok(args: string[]): Promise<InProcess> {
  const r = await mem(args);
  if (r.code !== 0) throw new Error(`mem ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r;
}
const cmds = async (args: string[]) => (await ok(['history', '--json', ...args])).json<{ commands: { command: string }[] }>().commands.map((c) => c.command);

interface Rec {
  command: string;
  agoMin: number;
  exit?: number;
  host?: string;
  session?: string;
}

function capture(recs: Rec[]): void {
  const spool = ensureDir(join(env.MEM_HOME!, 'spool'));
  recs.forEach((r, i) =>
    appendFileSync(join(spool, `${r.session ?? 's1'}.spool`), spoolLine({ session: r.session ?? 's1', seq: i + 1, startUs: (NOW - r.agoMin * MIN) * 1000, exit: r.exit ?? 0, host: r.host ?? 'laptop', cwd: '/w', command: r.command })),
  );
}

const seed = () =>
  capture([
    { command: 'git checkout main', agoMin: 3 * 24 * 60 },
    { command: 'git commit -m "Fix parser"', agoMin: 26 * 60, host: 'server' },
    { command: 'make test', agoMin: 120, exit: 2 },
    { command: 'GIT_TRACE=1 git push origin main', agoMin: 60, exit: 1 },
    { command: 'grep -rn TODO src', agoMin: 30, exit: 1 },
    { command: 'echo "two\nlines"', agoMin: 10 },
    { command: 'ls 100%_done', agoMin: 5 },
  ]);

describe('mem history QUERY', () => {
  it('matches a substring by default, ASCII letters in any case, with LIKE wildcards taken literally', async () => {
    seed();
    expect(await cmds(['git'])).toEqual(['git checkout main', 'git commit -m "Fix parser"', 'GIT_TRACE=1 git push origin main']);
    expect(await cmds(['FIX'])).toEqual(['git commit -m "Fix parser"']);
    expect(await cmds(['0%_'])).toEqual(['ls 100%_done']);
    expect(await cmds(['%'])).toEqual(['ls 100%_done']);
    expect(await cmds(['push', 'origin'])).toEqual(['GIT_TRACE=1 git push origin main']); // words are one query
  });

  it('--prefix, --fuzzy (each term in order) and --regex (case-sensitive)', async () => {
    seed();
    expect(await cmds(['--prefix', 'git c'])).toEqual(['git checkout main', 'git commit -m "Fix parser"']);
    expect(await cmds(['--fuzzy', 'gcm'])).toEqual(['git checkout main', 'git commit -m "Fix parser"', 'GIT_TRACE=1 git push origin main']);
    expect(await cmds(['--fuzzy', 'chk'])).toEqual(['git checkout main']);
    expect(await cmds(['--fuzzy', 'gpom'])).toEqual(['GIT_TRACE=1 git push origin main']);
    expect(await cmds(['--fuzzy', 'mk tst'])).toEqual(['make test']);
    expect(await cmds(['--fuzzy', 'tsetkam'])).toEqual([]);
    expect(await cmds(['--regex', '^git (checkout|push)'])).toEqual(['git checkout main']);
    expect(await cmds(['--regex', '^GIT|^git'])).toEqual(['git checkout main', 'git commit -m "Fix parser"', 'GIT_TRACE=1 git push origin main']);
    expect(await cmds(['--regex', 'two\\nlines'])).toEqual(['echo "two\nlines"']);
    expect(await cmds(['--regex', 'git', '--limit', '1'])).toEqual(['GIT_TRACE=1 git push origin main']); // the newest
  });

  it('a regex that could hang, or does not compile, is a one-line usage error naming --regex', async () => {
    seed();
    for (const re of ['(a+)+$', '([a-z]', 'x'.repeat(2000)]) {
      const r = await mem(['history', '--regex', re]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^mem: --regex (could take exponential time|is not a valid regular expression|is \d+ characters)/);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect((await mem(['history', '--regex', '--fuzzy', 'x'])).code).toBe(2);
  });

  it('a regex that blows up polynomially is stopped by its time budget: the answer says so', async () => {
    capture([{ command: 'x' + ' '.repeat(6000) + 'z', agoMin: 2 }, { command: 'y ok', agoMin: 1 }]);
    const t0 = Date.now();
    const r = (await ok(['history', '--json', '--regex', '\\s*\\s*\\s*\\s*y'])).json();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.commands.map((c: { command: string }) => c.command)).toEqual(['y ok']);
    expect(r.notice).toMatch(/ran out of its time on 1 line/);
  });

  it('--exit, --failed, --host, --since / --after and --before, combined', async () => {
    seed();
    expect(await cmds(['--exit', '1'])).toEqual(['GIT_TRACE=1 git push origin main', 'grep -rn TODO src']);
    expect(await cmds(['--exit', '0', 'git'])).toEqual(['git checkout main', 'git commit -m "Fix parser"']);
    expect(await cmds(['--outcome', 'failure'])).toEqual(['make test', 'GIT_TRACE=1 git push origin main', 'grep -rn TODO src']);
    expect(await cmds(['--failed'])).toEqual(await cmds(['--outcome', 'failure'])); // the old name, hidden
    expect(await cmds(['--outcome', 'success', 'git'])).toEqual(['git checkout main', 'git commit -m "Fix parser"']);
    expect((await mem(['history', '--outcome', 'success', '--failed'])).code).toBe(2);
    expect(await cmds(['--host', 'server'])).toEqual(['git commit -m "Fix parser"']);
    expect(await cmds(['--since', '90m'])).toEqual(['GIT_TRACE=1 git push origin main', 'grep -rn TODO src', 'echo "two\nlines"', 'ls 100%_done']);
    expect(await cmds(['--after', '90m'])).toEqual(await cmds(['--since', '90m']));
    expect(await cmds(['--before', '2h', '--since', 'yesterday'])).toEqual(['git commit -m "Fix parser"']);
    expect(await cmds(['--before', '2026-03-08', 'git'])).toEqual(['git checkout main']);
    expect(await cmds(['--since', String(Math.floor((NOW - 45 * MIN) / 1000)), '--exit', '1'])).toEqual(['grep -rn TODO src']);
    expect((await mem(['history', '--exit', 'x'])).code).toBe(2);
    expect((await mem(['history', '--since', 'someday'])).err).toMatch(/^mem: invalid time 'someday' \(expected e\.g\. 2h, 7d, yesterday/);
  });

  it('--author: a name, or agents / humans; an author who ran nothing is named as the filter that matched nothing', async () => {
    seed();
    const r = (await ok(['history', '--json', '--author', 'claude-code', 'make'])).json();
    expect(r.commands).toEqual([]);
    expect(r.notice).toBeNull();
    expect(r.empty).toMatch(/author/);
    expect((await ok(['history', '--json', '--author', 'humans', 'make'])).json().commands.map((c: { command: string }) => c.command)).toEqual(['make test']);
    expect((await ok(['history', '--json', '--author', 'agents'])).json().commands).toEqual([]);
  });

  it('--format, --cmd-only, --print0 and --reverse write exactly the data', async () => {
    seed();
    const rows = (await ok(['history', '--json'])).json().commands as { id: number; timestamp: string; command: string }[];
    const last = rows[rows.length - 1]!;
    expect((await ok(['history', '--format', '{id}\\t{time}\\t{exit}\\t{host}\\t{cmd}', '-n', '1'])).out).toBe(`${last.id}\t${last.timestamp}\t0\tlaptop\tls 100%_done\n`);
    expect((await ok(['history', '--cmd-only', 'git', '--reverse'])).out).toBe('GIT_TRACE=1 git push origin main\ngit commit -m "Fix parser"\ngit checkout main\n');
    expect((await ok(['history', '--print0', '--limit', '2'])).out).toBe('echo "two\nlines"\0ls 100%_done\0');
    expect((await ok(['history', '--format', '{cmd}|{duration}|{session}|{cwd}', 'make'])).out).toBe('make test|1|s1|/w\n');
    const bad = await mem(['history', '--format', '{nope}']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown field \{nope\} \(fields: \{id\} \{time\} \{cmd\} \{cwd\} \{exit\} \{duration\} \{session\} \{host\}\)/);
  });

  it('an empty answer says which filter matched nothing, not "no commands recorded yet"', async () => {
    expect((await ok(['history'])).out).toMatch(/no commands recorded yet/);
    seed();
    expect((await ok(['history', 'kubectl'])).out.trim()).toBe("no command matches text 'kubectl'");
    expect((await ok(['history', '--host', 'nas', '--exit', '0'])).out.trim()).toBe("no command matches host 'nas'");
    expect((await ok(['history', '--exit', '2', 'git'])).out.trim()).toBe("no command matches exit status '2' and text 'git' together (each matches some alone)");
    const json = (await ok(['history', '--json', '--fuzzy', 'zzq'])).json();
    expect(json).toEqual({ commands: [], notice: null, empty: "no command matches fuzzy query 'zzq'" });
    // For scripts: nothing on stdout, the reason on stderr.
    const script = await ok(['history', '--cmd-only', 'kubectl']);
    expect(script.out).toBe('');
    expect(script.err).toBe("mem: no command matches text 'kubectl'\n");
  });
});

describe('--since forms', () => {
  it.each([
    ['2h', NOW - 2 * 3_600_000],
    ['7d', NOW - 7 * 86_400_000],
    ['yesterday', Date.parse('2026-03-09T00:00:00Z')],
    ['today', Date.parse('2026-03-10T00:00:00Z')],
    ['2026-03-01', Date.parse('2026-03-01T00:00:00Z')],
    ['2026-03-01T10:00:00Z', Date.parse('2026-03-01T10:00:00Z')],
    ['1772000000', 1772000000 * 1000],
  ])('%s', (text, want) => {
    const tz = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      expect(parseSince(text, NOW)).toBe(want);
    } finally {
      process.env.TZ = tz;
    }
  });
});
