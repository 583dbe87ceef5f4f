// The spool when writes fail: a record cut short by a full disk (a real one: a small tmpfs under the
// spool directory) must never take the next record with it; what cannot be read is kept, redacted,
// in a bounded rejected.log, and `mem doctor` says so.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, sandbox, type Sandbox } from './helpers.js';
import { appendFileSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { ensureDir, history, interactive, missingTools, outputLines, shellCommand, shellEnv, sleep, spoolLine, stopIngester, Tmux, until, writeRcFiles } from './shell-support.js';

const missing = missingTools(['bash', 'zsh', 'setsid']);
const missingFish = missingTools(['fish', 'tmux']);

let box: Sandbox;
let mounted: string | undefined;
let tmux: Tmux | undefined;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  if (mounted) spawnSync('umount', ['-l', mounted]);
  mounted = undefined;
  await stopIngester(box);
  box.cleanup();
});

const TOKEN = 'ghp_' + 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6';
const spoolDir = () => ensureDir(join(box.env.MEM_HOME!, 'spool'));
const rejectedLog = () => join(box.env.MEM_HOME!, 'spool', 'rejected.log');
const ingest = () => {
  const r = box.mem(['__ingest', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return r.json<{ added: number; malformed: number; torn: number }>();
};
const doctorCheck = (name: string) => box.mem(['doctor', '--json']).json().checks.find((c: { name: string }) => c.name === name);

/** A tmpfs of `size` mounted on `dir` (needs root or CAP_SYS_ADMIN); false if not permitted. */
function mountTmpfs(dir: string, size: string): boolean {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  mounted = dir;
  return true;
}
const canMount = (() => {
  const probe = sandbox();
  try {
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe.dir]).status === 0;
    if (ok) spawnSync('umount', [probe.dir]);
    return ok;
  } finally {
    probe.cleanup();
  }
})();

describe.skipIf(missing.length > 0 || !canMount)('a real full disk under the spool (tmpfs)', () => {
  it.each(['bash', 'zsh'] as const)('%s: a record torn by the full disk loses only itself, never the next one', (shell) => {
    expect(mountTmpfs(spoolDir(), '64k')).toBe(true);
    const during = Array.from({ length: 80 }, (_, i) => `echo during-${i + 1}`);
    const script = [
      `source '${join(ROOT, 'shell-hooks', `mem.${shell}`)}'`,
      'echo before-1',
      // Fills every free page of the tmpfs: the spool file's last page still has room for a few
      // records, then one is cut at the page boundary, then nothing fits at all.
      'head -c 1000000 /dev/zero > "$MEM_HOME/spool/filler" 2>/dev/null || true',
      ...during,
      'rm -f "$MEM_HOME/spool/filler"',
      'echo after-1',
      'echo after-2',
      '',
    ].join('\n');
    const r = interactive(shell, script, box);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('after-2');
    // The disk really was full: most of the `during` records could not be written at all.
    const spool = readFileSync(join(spoolDir(), readdirSync(spoolDir()).find((f) => f.endsWith('.spool'))!), 'utf8');
    expect(spool.length).toBeLessThan(8192);

    const report = ingest();
    const rows = history(box).map((h) => h.command);
    // Everything after space returned is there: the first command (the rm) too.
    expect(rows).toEqual(expect.arrayContaining(['echo before-1', 'rm -f "$MEM_HOME/spool/filler"', 'echo after-1', 'echo after-2']));
    // What landed of the `during` records is exactly the ones written whole, in order.
    const landed = rows.filter((c) => c.startsWith('echo during-'));
    expect(landed).toEqual(during.slice(0, landed.length));
    expect(landed.length).toBeLessThan(during.length);
    // At most one record was cut; it is in rejected.log as torn, and nothing else was rejected.
    expect(report.malformed).toBe(0);
    expect(report.torn).toBeLessThanOrEqual(1);
    if (report.torn) expect(readFileSync(rejectedLog(), 'utf8')).toMatch(/\ttorn record/);
  });
});

/** Fills the file system holding `dir` until a write fails. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    const chunk = Buffer.alloc(4096);
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
  return file;
}

describe.skipIf(missingFish.length > 0 || !canMount)('fish on a real full disk', () => {
  it('records typed while the disk is full wait in the shell and land once space returns; fish complains at most once per try', async () => {
    expect(mountTmpfs(spoolDir(), '64k')).toBe(true);
    const rc = writeRcFiles(box, 'install');
    appendFileSync(rc.fishrc, 'set -g __mem_retry_s 2\n');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('fish', rc), shellEnv(box), box.dir);
    await until('a prompt', () => tmux!.capture(w).includes('mt1>'), 15_000, 50);
    const run = async (c: string, out: string) => {
      const before = outputLines(tmux!.capture(w), out);
      tmux!.type(w, c);
      await until(out, () => outputLines(tmux!.capture(w), out) > before, 10_000, 20);
    };
    await run('echo before-1', 'before-1');
    const filler = fillDisk(spoolDir());
    const during = Array.from({ length: 60 }, (_, i) => `echo during-${i + 1}`);
    tmux.typeLines(w, during);
    await until('the last command', () => outputLines(tmux!.capture(w), 'during-60') === 1, 20_000, 50);
    rmSync(filler);
    await sleep(2500);
    await run('echo after-1', 'after-1');
    await run('echo after-2', 'after-2');
    const rows = await until('every command in mem history', () => {
      const h = history(box).map((r) => r.command);
      return h.includes('echo after-2') && h.filter((c) => c.startsWith('echo during-')).length === during.length && h;
    }, 15_000, 250);
    expect(rows).toEqual(['echo before-1', ...during, 'echo after-1', 'echo after-2']);
    // fish prints a failed builtin write itself (nothing can redirect it): at most once per try.
    const complaints = tmux.capture(w).split('\n').filter((l) => l.includes('No space left on device'));
    expect(complaints.length).toBeGreaterThan(0);
    expect(complaints.length).toBeLessThanOrEqual(3);
  });
});

describe('torn records (simulated: a spool cut mid-record, then appended to)', () => {
  const rec = (seq: number, command: string) => spoolLine({ session: 'tear', seq, startUs: Date.now() * 1000 - 10_000_000 + seq, cwd: '/w', command });

  it('the record after a torn prefix is kept; the torn part is rejected without the cut field', () => {
    const secret = rec(2, `export GITHUB_TOKEN=${TOKEN}`);
    const cut = secret.slice(0, secret.indexOf(TOKEN) + 10); // cut inside the token: no pattern can recognise it
    writeFileSync(join(spoolDir(), 'tear.spool'), rec(1, 'echo one') + cut + rec(3, 'echo three') + 'm' + rec(4, 'echo four') + rec(5, 'echo five'));
    const report = ingest();
    expect(report).toMatchObject({ added: 4, torn: 2, malformed: 0 });
    expect(history(box).map((h) => h.command)).toEqual(['echo one', 'echo three', 'echo four', 'echo five']);
    const log = readFileSync(rejectedLog(), 'utf8');
    expect(log.trimEnd().split('\n')).toHaveLength(2);
    expect(log).not.toContain(TOKEN.slice(0, 8));
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT[^\t]+\ttear\.spool\ttorn record[^\t]*\tm1\ttear\t2\t/m);
    expect(statSync(rejectedLog()).mode & 0o777).toBe(0o600);
  });

  it('a cut record left at the end of an idle spool file is given up on, and the file retires', () => {
    const file = join(spoolDir(), 'idle.spool');
    writeFileSync(file, rec(1, 'echo kept') + rec(2, 'echo cut-short').slice(0, 30));
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(file, old, old);
    expect(ingest()).toMatchObject({ added: 1, torn: 1 });
    ingest(); // retired files are deleted on the run after they were renamed
    expect(existsSync(file)).toBe(false);
    expect(doctorCheck('spool backlog').detail).toMatch(/^0 bytes/);
  });

  it('a partial line at the end of a fresh spool file is left alone (its writer may not be done)', () => {
    writeFileSync(join(spoolDir(), 'live.spool'), rec(1, 'echo whole') + rec(2, 'echo being-written').slice(0, 30));
    expect(ingest()).toMatchObject({ added: 1, torn: 0, malformed: 0 });
    expect(existsSync(rejectedLog())).toBe(false);
  });
});

describe('rejected.log', () => {
  it('keeps redacted lines only, is 0600, and rotates at 256 KiB keeping one old copy; doctor reports it', () => {
    const dir = spoolDir();
    writeFileSync(join(dir, 'bad.spool'), `m1\tbad\tnot-a-number\tx\t1\t0\tbash\th\tu\t/w\tcurl -H "Authorization: token ${TOKEN}"\n`);
    expect(ingest()).toMatchObject({ malformed: 1 });
    const first = readFileSync(rejectedLog(), 'utf8');
    expect(first).not.toContain(TOKEN.slice(4));
    expect(first).toContain('[REDACTED:');
    expect(statSync(rejectedLog()).mode & 0o777).toBe(0o600);
    expect(doctorCheck('rejected records')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^1 record .*rejected\.log.*bad session, sequence or start time/) });

    writeFileSync(rejectedLog(), 'x'.repeat(300 * 1024) + '\n', { mode: 0o600 });
    writeFileSync(join(dir, 'bad2.spool'), 'zz\tnot a record\n');
    expect(ingest()).toMatchObject({ malformed: 1 });
    expect(statSync(`${rejectedLog()}.1`).size).toBeGreaterThan(300 * 1024);
    expect(statSync(`${rejectedLog()}.1`).mode & 0o777).toBe(0o600);
    expect(readFileSync(rejectedLog(), 'utf8').trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(rejectedLog(), 'utf8')).toContain("unknown record version 'zz'");
    expect(doctorCheck('rejected records').detail).toMatch(/unknown record version 'zz'/);
  });

  it('doctor says nothing was rejected when there is no log', () => {
    spoolDir();
    expect(doctorCheck('rejected records')).toMatchObject({ status: 'ok', detail: 'none' });
  });
});
