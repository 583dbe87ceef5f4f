// One name per idea: `-n/--limit` for how many and `--since` for since, everywhere, with the old
// names kept as hidden aliases; `mem --help` groups the commands by capability.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from './helpers.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const NO_EMBED = { MEM_EMBEDDING_PROVIDER: 'none', MEM_NO_WORKER: '1' };
const ok = (args: string[]) => {
  const r = box.mem(args, { env: NO_EMBED });
  expect(r.code, `mem ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};

describe('names', () => {
  it('--help groups the commands by capability', () => {
    const help = ok(['--help']).stdout;
    const headings = help.split('\n').filter((l) => /^[A-Z][^:]*:$/.test(l));
    expect(headings.slice(0, 7)).toEqual(['Options:', 'Fix memory:', 'Shell history:', 'Prediction:', 'Semantic memory:', 'Maintenance:', 'AI agents and the HTTP server:']);
    const section = (h: string) => help.split(`\n${h}\n`)[1]!.split('\n\n')[0]!;
    expect(section('Shell history:')).toMatch(/^ {2}history /m);
    expect(section('Prediction:')).toMatch(/^ {2}predict /m);
    expect(section('Semantic memory:')).toMatch(/^ {2}search /m);
  });

  it.each([
    ['predict', ['predict'], '--top-k'],
    ['graph', ['graph'], '--top'],
    ['search', ['search', 'x'], '--top-k'],
    ['context', ['context', 'x'], '--top-k'],
    ['episode similar', ['episode', 'similar', 'x'], '--top-k'],
    ['recent', ['recent'], null],
    ['workflows', ['workflows'], null],
    ['history', ['history'], null],
  ])('%s: -n/--limit says how many; the old name is a hidden alias', (_name, args, old) => {
    const help = ok([...args, '--help']).stdout;
    expect(help).toContain('-n, --limit <n>');
    if (old) expect(help).not.toContain(`${old} <n>`);
  });

  it('the old names still work, and mean the same', () => {
    writeFileSync(join(box.dir, 'h'), 'make\nmake test\nmake\nmake lint\nmake\nmake test\n');
    ok(['import-history', '--shell', 'bash', join(box.dir, 'h')]);
    const a = ok(['predict', '--json', '--context', 'make', '-n', '1']).json();
    const b = ok(['predict', '--json', '--context', 'make', '--top-k', '1']).json();
    expect(a.predictions).toHaveLength(1);
    expect(a).toEqual(b);
    expect(ok(['graph', '--json', '-n', '1']).json()).toEqual(ok(['graph', '--json', '--top', '1']).json());
    expect(box.mem(['predict', '-n', '0']).stderr).toMatch(/^mem: --limit must be/);
  });

  it('one flag for outcomes: --outcome success|failure records and filters; --success, --failure, --success-only, --failed are hidden aliases', () => {
    for (const args of [['fix', 'record'], ['add'], ['episode', 'end', 'x'], ['history'], ['search', 'x'], ['recall-error', 'x'], ['episode', 'similar', 'x']]) {
      const help = ok([...args, '--help']).stdout;
      expect(help, args.join(' ')).toContain('--outcome <outcome>');
      expect(help, args.join(' ')).not.toMatch(/--success|--failure|--failed/);
    }
    const fix = (flags: string[]) => box.mem(['fix', 'record', '--model', 'llama3:8b', '--issue-type', 'TIMEOUT', ...flags], { env: NO_EMBED });
    expect(fix(['--outcome', 'success']).code).toBe(0);
    expect(fix(['--failure']).code).toBe(0);
    expect(ok(['fix', 'similar', '--model', 'llama3:8b', '--issue-type', 'TIMEOUT', '--json']).json().exact_matches.map((a: any) => a.fix_success).sort()).toEqual([false, true]);
    const both = fix(['--outcome', 'failure', '--success']);
    expect([both.code, both.stderr.trim()]).toEqual([2, 'mem: --outcome failure and --success contradict each other']);
    expect(fix([]).stderr).toMatch(/--outcome success or --outcome failure/);
    expect(fix(['--outcome', 'maybe']).code).toBe(2);

    ok(['add', '--kind', 'task', '--outcome', 'failure', 'deploy the billing service broke']);
    ok(['add', '--kind', 'task', '--success', 'deploy the billing service worked']);
    const found = (flags: string[]) => ok(['search', 'deploy billing', '--mode', 'keyword', '--json', ...flags]).json().results.map((r: any) => r.memory.success);
    expect(found(['--outcome', 'failure'])).toEqual([false]);
    expect(found(['--outcome', 'success'])).toEqual([true]);
    expect(found(['--success-only'])).toEqual([true]);
    expect(found([]).sort()).toEqual([false, true]);
  });

  it('mem list --since (and --after, its old name) takes 2h, 7d, yesterday, ISO or epoch', () => {
    ok(['add', 'a memory for today']);
    for (const since of ['2h', '7d', 'yesterday', '2020-01-01', '1600000000']) expect(ok(['list', '--json', '--since', since]).json().data.length, since).toBe(1);
    expect(ok(['list', '--json', '--after', '2h']).json().data.length).toBe(1);
    expect(ok(['list', '--json', '--since', '2999-01-01']).json().data.length).toBe(0);
    expect(ok(['list', '--help']).stdout).not.toContain('--after');
  });
});
