// User regexes in the history filters (history.ignore_commands, history.ignore_dirs) can never stop
// capture or hang a command: `mem config set` refuses catastrophic patterns, a bad one from the
// environment or a hand-edited file is reported, skipped and flagged by the doctor, and matching
// runs under a per-line time budget for whatever slips past the static check.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { historyFilter } from '../src/shell/filters.js';
import { BIN, run, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, history, spoolLine } from './shell-support.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const CATASTROPHIC = '^(a+)+$';
/** 50 KB of a's: a line `^(a+)+$` backtracks on for ages, as its end is not an a. */
const LONG_AS = 'a'.repeat(50_000) + 'b';
/** Passes the static check (no nested or overlapping repetition) yet backtracks cubically on a long run of spaces. */
const POLYNOMIAL = '^echo\\s*\\s*\\s*y';
const LONG_ECHO = 'echo' + ' '.repeat(50_000) + 'x';

const configFile = () => join(box.dir, 'config/mem/config.toml');
function writeConfig(toml: string): void {
  mkdirSync(join(box.dir, 'config/mem'), { recursive: true });
  writeFileSync(configFile(), toml);
}

/** Writes records as the hooks would, one session, in order. */
function spool(commands: string[], session = 's1'): void {
  const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
  const now = Date.now();
  writeFileSync(
    join(dir, `${session}.spool`),
    commands.map((command, i) => spoolLine({ session, seq: i + 1, startUs: (now - (commands.length - i) * 1000) * 1000, cwd: '/w', command })).join(''),
  );
}

/** `mem ARGS` as a subprocess that is killed if it hangs (code -1 then). */
function memBounded(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000) {
  return run(args, { env: { ...box.env, ...env }, cwd: box.dir, timeout: timeoutMs, killSignal: 'SIGKILL' });
}

const doctorCheck = (env: NodeJS.ProcessEnv = {}) => {
  const r = memBounded(['doctor', '--json'], env);
  return { code: r.code, check: (r.json().checks as { name: string; status: string; detail: string }[]).find((c) => c.name === 'history filters') };
};

describe('mem config set refuses a regex that could hang', () => {
  it.each([
    ['history.ignore_commands', CATASTROPHIC, /could take exponential time/],
    ['history.ignore_dirs', '^/(x|xy)*$', /could take exponential time/],
    ['history.ignore_commands', 'ok,(unclosed', /not a valid regular expression/],
  ])('%s %s: exit 2, one line naming the key, nothing written', (key, value, why) => {
    const r = box.mem(['config', 'set', key, value]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain(`config ${key}`);
    expect(r.stderr).toMatch(why);
    expect(box.mem(['config', 'get', key, '--json']).json()).toMatchObject({ value: [], source: 'default' });
  });

  it('accepts ordinary patterns, and one that is only slow on pathological input', () => {
    expect(box.mem(['config', 'set', 'history.ignore_commands', '^secret-tool,^pass ']).code).toBe(0);
    expect(box.mem(['config', 'set', 'history.ignore_dirs', '^/private/,\\.password-store']).code).toBe(0);
    expect(box.mem(['config', 'set', 'history.ignore_commands', POLYNOMIAL]).code).toBe(0);
  });
});

describe('a bad filter regex never stops capture', () => {
  it('from the environment: reported and ignored; the other patterns still apply; the doctor flags it', () => {
    spool(['secret-tool lookup x', LONG_AS, 'git status']);
    const env = { MEM_HISTORY_IGNORE_COMMANDS: `${CATASTROPHIC},^secret-tool` };
    const r = memBounded(['history', '--json', '--limit', '100'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().commands.map((c: { command: string }) => c.command)).toEqual([LONG_AS, 'git status']);
    expect(r.stderr).toBe(''); // --json: the JSON carries notices, stderr stays clean
    const human = memBounded(['history', '--limit', '1'], env);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^mem: config history\.ignore_commands \(\$MEM_HISTORY_IGNORE_COMMANDS\): '\^\(a\+\)\+\$' could take exponential time .*; ignored\n$/);
    const { code, check } = doctorCheck(env);
    expect(code).toBe(1);
    expect(check).toMatchObject({ status: 'fail' });
    expect(check!.detail).toContain('history.ignore_commands');
    expect(check!.detail).toContain(CATASTROPHIC);
    expect(check!.detail).toContain('$MEM_HISTORY_IGNORE_COMMANDS');
  });

  it('from a hand-edited config file: the ingester finishes, the 50 KB line is stored, history answers, the doctor flags it', () => {
    writeConfig(`[history]\nignore_commands = ['${CATASTROPHIC}', '^secret-tool']\nignore_dirs = ['^/(x+x+)+y$']\n`);
    spool(['ls', LONG_AS, 'secret-tool store', 'git status']);
    const ingest = memBounded(['__ingest', '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.json()).toMatchObject({ added: 3, filtered: { 'history.ignore_commands': 1 } });
    const rows = history(box);
    expect(rows.map((r) => r.command)).toEqual(['ls', LONG_AS, 'git status']);
    const { code, check } = doctorCheck();
    expect(code).toBe(1);
    expect(check).toMatchObject({ status: 'fail' });
    expect(check!.detail).toContain(`history.ignore_commands '${CATASTROPHIC}'`);
    expect(check!.detail).toContain(`history.ignore_dirs '^/(x+x+)+y$'`);
    expect(check!.detail).toContain(configFile());
    const human = memBounded(['doctor']);
    expect(human.stdout).toMatch(/✗ history filters +history\.ignore_commands '\^\(a\+\)\+\$'/);
  });

  it('a pattern that passes the check but backtracks on one long line: that line is dropped within its time budget, the rest is stored, the doctor warns', () => {
    writeConfig(`[history]\nignore_commands = ['${POLYNOMIAL}']\n`); // a TOML literal string: no escapes
    spool(['ls', LONG_ECHO, 'echo yes', 'git status']);
    const ingest = memBounded(['__ingest', '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.json()).toMatchObject({ added: 2, filtered: { 'history.ignore_commands': 1, 'history.ignore_commands (timed out)': 1 } });
    expect(history(box).map((r) => r.command)).toEqual(['ls', 'git status']);
    const { code, check } = doctorCheck();
    expect(code).toBe(0);
    expect(check).toMatchObject({ status: 'warn' });
    expect(check!.detail).toContain(`history.ignore_commands '${POLYNOMIAL}'`);
    expect(check!.detail).toMatch(/timed out/);
  });

  it('no filters configured: the doctor says so', () => {
    expect(doctorCheck().check).toMatchObject({ status: 'ok' });
  });
});

describe('historyFilter', () => {
  const filterOf = (env: NodeJS.ProcessEnv) => historyFilter(loadConfig({ ...box.env, ...env }));

  it('judges a batch: matches, unsafe patterns skipped, a runaway match cut at its time budget', () => {
    const f = filterOf({ MEM_HISTORY_IGNORE_COMMANDS: `${CATASTROPHIC},^secret,${POLYNOMIAL}`, MEM_HISTORY_IGNORE_DIRS: '^/private' });
    const verdicts = f.rejectAll([
      { command: 'git status', cwd: '/w' },
      { command: 'secret-tool x', cwd: '/w' },
      { command: LONG_AS, cwd: '/w' },
      { command: 'ls', cwd: '/private/x' },
      { command: LONG_ECHO, cwd: '/w' },
      { command: ' hidden', cwd: '/w' },
      { command: `${BIN} __ingest`, cwd: null },
      { command: 'echo y', cwd: null },
    ]);
    expect(verdicts).toEqual([null, 'history.ignore_commands', null, 'history.ignore_dirs', 'history.ignore_commands (timed out)', 'leading space', 'mem internal', 'history.ignore_commands']);
    expect(f.reject('secret x', null)).toBe('history.ignore_commands');
    expect(f.problems.map((p) => [p.key, p.pattern, p.kind])).toEqual([
      ['history.ignore_commands', CATASTROPHIC, 'unsafe'],
      ['history.ignore_commands', POLYNOMIAL, 'timeout'],
    ]);
  });

  it('with no user patterns, matches nothing but the built-in rules', () => {
    const f = filterOf({});
    expect(f.rejectAll([{ command: LONG_AS, cwd: '/w' }, { command: '', cwd: null }])).toEqual([null, 'empty']);
    expect(f.problems).toEqual([]);
  });
});
