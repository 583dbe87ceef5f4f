// How the CLI starts and stops (issue 8, start-up): bin/mem compiles the bundle with V8's code
// cache, answers --version without the bundle, and exits as soon as the command is done and its
// output flushed. The built CLI as a subprocess, real files, real pipes.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, sandbox, type Sandbox } from './helpers.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const cacheDir = () => join(box.dir, 'cache', 'mem');
// (No embedding worker: started by `mem add` in the background, it would write the cache meanwhile.)
const withCache = (extra: NodeJS.ProcessEnv = {}) => ({ env: { XDG_CACHE_HOME: join(box.dir, 'cache'), MEM_NO_WORKER: '1', ...extra } });
const cacheFiles = () => readdirSync(cacheDir()).filter((f) => f.endsWith('.v8'));

describe('the code cache', () => {
  it('is written by the first run, keyed to the bundle and node, and used as is by the next', () => {
    box.mem(['add', 'first note'], withCache());
    const first = box.mem(['recent', '--json'], withCache());
    expect(first.code).toBe(0);
    expect(cacheFiles()).toHaveLength(1);
    const file = join(cacheDir(), cacheFiles()[0]!);
    const bytes = readFileSync(file);
    const [key, covers] = bytes.toString('latin1', 0, 2000).split('\n');
    expect(key!.split('\0')).toEqual([join(ROOT, 'dist', 'cli.cjs'), expect.any(String), expect.any(String), process.version, process.arch]);
    expect(covers).toBe('add,recent');
    const again = box.mem(['recent', '--json'], withCache());
    expect(again.stdout).toBe(first.stdout);
    expect(readFileSync(file).equals(bytes)).toBe(true); // accepted, so not written again
  });

  it("grows with each command's code, once per command, up to 8 commands", () => {
    box.mem(['add', 'a note'], withCache());
    const file = () => join(cacheDir(), cacheFiles()[0]!);
    const covers = () => readFileSync(file()).toString('latin1', 0, 2000).split('\n')[1];
    const size = () => readFileSync(file()).length;
    const first = size();
    expect(box.mem(['--json', 'predict'], withCache()).code).toBe(0);
    expect(covers()).toBe('add,predict');
    expect(size()).toBeGreaterThan(first); // predict's own code joined add's
    for (const args of [['history'], ['add', 'another'], ['predict'], ['--help']]) box.mem(args, withCache());
    expect(covers()).toBe('add,predict,history');
    const names = ['stats', 'recent', 'list', 'config', 'doctor', 'graph', 'workflows'];
    for (const n of names) box.mem([n, '--help'], withCache());
    expect(covers()!.split(',')).toEqual(['add', 'predict', 'history', ...names.slice(0, 5)]);
  });

  it('a corrupt cache is refused by V8 and replaced; a stale one is ignored and replaced', () => {
    box.mem(['add', 'a note'], withCache());
    const file = join(cacheDir(), cacheFiles()[0]!);
    const good = readFileSync(file);
    const key = good.subarray(0, good.indexOf(10) + 1);
    writeFileSync(file, Buffer.concat([key, Buffer.alloc(good.length - key.length, 0x5a)]));
    const r = box.mem(['history', '--json'], withCache());
    expect(r.code).toBe(0);
    expect(readFileSync(file).subarray(key.length, key.length + 16).equals(Buffer.alloc(16, 0x5a))).toBe(false);
    writeFileSync(file, Buffer.concat([Buffer.from(`${key.toString('latin1').replace(process.version, 'v0.0.0')}`), good.subarray(key.length)]));
    expect(box.mem(['history', '--json'], withCache()).code).toBe(0);
    expect(readFileSync(file).subarray(0, key.length).equals(key)).toBe(true);
  });

  it('a cache damaged inside its body (a flipped bit on disk) is refused, never a V8 crash', () => {
    box.mem(['add', 'a note'], withCache());
    const first = box.mem(['recent', '--json'], withCache());
    const file = join(cacheDir(), cacheFiles()[0]!);
    const good = readFileSync(file);
    const body = good.indexOf(10) + 1;
    // V8's header (magic number, version, source and flag hashes, length) stays as it was: only
    // the serialized code after it is damaged, as a bad sector or a bit flip would.
    const bad = Buffer.from(good);
    for (let i = body + 256; i < bad.length; i += 509) bad[i] = bad[i]! ^ 0xff;
    writeFileSync(file, bad);
    const r = spawnSync(process.execPath, [BIN, 'recent', '--json'], { env: { ...box.env, XDG_CACHE_HOME: join(box.dir, 'cache') }, encoding: 'utf8', timeout: 30_000 });
    expect({ signal: r.signal, status: r.status, stderr: r.stderr.slice(0, 300) }).toEqual({ signal: null, status: 0, stderr: '' });
    expect(r.stdout).toBe(first.stdout);
    // ...and replaced by a good one.
    expect(readFileSync(file).equals(bad)).toBe(false);
    expect(box.mem(['recent', '--json'], withCache()).stdout).toBe(first.stdout);
  });

  it('a cache directory that cannot be made costs nothing: the command runs, and does not hang', () => {
    for (const xdg of ['/proc/mem-no-such-dir', join(box.dir, 'a-file')]) {
      writeFileSync(join(box.dir, 'a-file'), '');
      const r = spawnSync(process.execPath, [BIN, 'add', 'still works'], { env: { ...box.env, XDG_CACHE_HOME: xdg }, encoding: 'utf8', timeout: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
    }
  });

  it('the picker the key bindings start (bin/mem-picker) has a cache of its own', () => {
    box.mem(['add', 'a note'], withCache());
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'mem-picker'), '--query', 'x'], { env: { ...box.env, ...withCache().env }, encoding: 'utf8', input: '', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(cacheFiles().map((f) => f.replace(/-[0-9a-z]+\.v8$/, ''))).toEqual(['cli', 'picker']);
  });

  it("what a writer killed mid-write left is removed by the next cache written, not while it may still be writing", () => {
    box.mem(['add', 'a note'], withCache());
    const name = cacheFiles()[0]!;
    const old = join(cacheDir(), `${name}.99999.tmp`);
    const fresh = join(cacheDir(), `${name}.99998.tmp`);
    writeFileSync(old, 'x'.repeat(1000));
    writeFileSync(fresh, 'x');
    utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    rmSync(join(cacheDir(), name)); // the next run writes a cache again
    expect(box.mem(['recent', '--json'], withCache()).code).toBe(0);
    expect(readdirSync(cacheDir()).sort()).toEqual([name, `${name}.99998.tmp`].sort());
  });

  it('MEM_CODE_CACHE=0 turns it off', () => {
    expect(box.mem(['add', 'a note'], withCache({ MEM_CODE_CACHE: '0' })).code).toBe(0);
    expect(() => readdirSync(cacheDir())).toThrow(/ENOENT/);
  });
});

describe('--version', () => {
  it('answers the package version without loading the bundle', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    for (const flag of ['--version', '-V']) {
      const r = box.mem([flag], withCache());
      expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
    expect(() => readdirSync(cacheDir())).toThrow(/ENOENT/); // the bundle never ran
  });

  it('into /dev/full: exit 1 and one line; into a closed pipe: exit 0 and nothing (never a stack trace)', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, '--version'], { env: box.env, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('mem: cannot write the output (ENOSPC): it is incomplete\n');
    } finally {
      closeSync(full);
    }
    // The reader is gone before mem writes (bash's `exec 3>&-` shape: a pipe whose read end is closed).
    const closed = spawnSync('bash', ['-c', `exec 3>&1; { sleep 0.2; "${process.execPath}" "${BIN}" --version 2>&3; echo "rc=$?" >&3; } | true`], { env: box.env, encoding: 'utf8', timeout: 20_000 });
    expect(closed.stdout).toBe('rc=0\n');
  });
});

describe('exiting when done', () => {
  it('all of a large output reaches a pipe, also a slow one', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `: ${1_700_000_000 + i}:0;echo ${'x'.repeat(60)} ${i}`);
    writeFileSync(join(box.dir, 'h'), lines.join('\n') + '\n');
    expect(box.mem(['import-history', '--shell', 'zsh', join(box.dir, 'h'), '--no-learn']).code).toBe(0);
    const r = box.mem(['history', '-n', '5000', '--json']);
    expect(r.stdout.length).toBeGreaterThan(300_000); // far more than a pipe holds (64 KB)
    expect(r.json().commands).toHaveLength(2000);
    const slow = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" history -n 5000 --json | (sleep 1; wc -c)`], { env: box.env, encoding: 'utf8' });
    expect(Number(slow.stdout.trim())).toBe(r.stdout.length);
  });

  it('output that cannot be written (a full disk: /dev/full) is a failure, exit 1 and one line, never a cut-off answer with exit 0', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `: ${1_700_000_000 + i}:0;echo ${'x'.repeat(60)} ${i}`);
    writeFileSync(join(box.dir, 'h'), lines.join('\n') + '\n');
    expect(box.mem(['import-history', '--shell', 'zsh', join(box.dir, 'h'), '--no-learn']).code).toBe(0);
    const full = openSync('/dev/full', 'w');
    try {
      for (const [args, line] of [
        [['history', '-n', '5000', '--json'], /^\{"error":\{"code":"output_failed","message":"cannot write the output \(ENOSPC\): it is incomplete","exit_code":1\}\}\n$/],
        [['history', '-n', '5000'], /^mem: cannot write the output \(ENOSPC\): it is incomplete\n$/],
        [['add', 'a note'], /^mem: cannot write the output \(ENOSPC\): it is incomplete\n$/],
      ] as const) {
        const r = spawnSync(process.execPath, [BIN, ...args], { env: box.env, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 30_000 });
        expect(r.signal, args.join(' ')).toBeNull();
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toMatch(line);
      }
    } finally {
      closeSync(full);
    }
    // A reader that stops early (a closed pipe) is still not a failure.
    const head = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" history -n 5000 --json | head -c 10 >/dev/null`], { env: box.env, encoding: 'utf8' });
    expect(head.status).toBe(0);
  });

  it('a store it cannot make a directory for is one line and exit 1, not a hang (/proc)', () => {
    for (const args of [['add', 'x', '--db', '/proc/mem-no-such-dir/x.db'], ['add', 'x']]) {
      const env = args.length === 2 ? { ...box.env, MEM_HOME: '/proc/mem-no-such-dir' } : box.env;
      const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^mem: cannot create the store at \/proc\/mem-no-such-dir\/\S+: ENOENT[^\n]*\n$/);
    }
  });
});
