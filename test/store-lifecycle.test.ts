// The store's life cycle end to end (issue 8, part 2): input read from slow and non-blocking pipes,
// the spool belonging to the home store only, restore under a running ingester and over a corrupt
// store, a corrupt store read by every command, stores that do not exist, and an unavailable
// embedding model remembered between searches. The built CLI as a subprocess, real files, real
// processes. Each case failed on eb10e99 (before "One core API under the CLI"); run them against
// another build with MEM_TEST_BIN=/path/to/bin/mem.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aiAttempt, BIN, jsonl, sandbox, seeded, type Result, type Sandbox } from './helpers.js';
import { alive, ensureDir, history, spoolLine, until } from './shell-support.js';
import { writeTestModel } from './support/onnx-model.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

/** Runs a bash command line in a sandbox (with $NODE and $BIN set), asynchronously. */
function sh(b: Sandbox, script: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', script], { env: { ...b.env, NODE: process.execPath, BIN, ...env }, cwd: b.dir });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

/** SQL against a store file, read-only, from this process (never through mem, which would ingest). */
function query<T = Record<string, unknown>>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const commandsIn = (path: string) => query<{ command: string }>(path, 'SELECT command FROM commands ORDER BY ts, id').map((r) => r.command);

/** One error line, never a stack trace or an internal error. */
function expectOneLineError(r: Result): void {
  expect(r.stderr, r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr, r.stderr).toMatch(/^mem: [^\n]+\n$/);
}

describe('defect 1: `-` reads a slow pipe and a non-blocking stdin', () => {
  // Sets O_NONBLOCK on stdin, then runs the command: a synchronous read of fd 0 gets EAGAIN.
  // (perl rather than python3: python takes over a second to start on this machine.)
  const NONBLOCK = `perl -e 'use Fcntl; my $f = fcntl(STDIN, F_GETFL, 0); fcntl(STDIN, F_SETFL, $f | O_NONBLOCK) or die "fcntl: $!"; exec @ARGV or die "exec: $!"'`;

  function bundle(): string {
    const other = sandbox();
    try {
      other.mem(['fix', 'record', '--from-json', '-'], { input: jsonl([aiAttempt({ notes: 'from the bundle' })]) });
      return other.mem(['export']).stdout;
    } finally {
      other.cleanup();
    }
  }

  const CASES: [string, string[], () => string, (r: Result, b: Sandbox) => void][] = [
    ['fix record --from-json -', ['fix', 'record', '--from-json', '-'], () => jsonl([aiAttempt(), aiAttempt({ fix_success: false })]), (r, b) => {
      expect(r.stdout).toMatch(/recorded 2 of 2 attempts/);
      expect(b.mem(['stats', '--json']).json().fixes.total_fixes_attempted).toBe(2);
    }],
    ['add -', ['add', '-', '--json'], () => 'the cache warmed up slowly after the deploy\n', (r, b) => {
      expect(r.json().created).toBe(true);
      expect(b.mem(['show', r.json().id, '--json']).json().content).toMatch(/cache warmed up slowly/);
    }],
    ['add --bulk -', ['add', '--bulk', '-', '--json'], () => jsonl([{ content: 'first note', kind: 'note' }, { content: 'second note', kind: 'note' }]), (r) => {
      expect(r.json()).toMatchObject({ created: 2, failed: 0 });
    }],
    ['learn --from-json -', ['learn', '--from-json', '-', '--json'], () => jsonl([{ session_commands: [{ command: 'git status' }, { command: 'git add -A' }], session_outcome: 'success' }]), (r) => {
      expect(r.json()).toMatchObject({ sessions: 1, commands: 2 });
    }],
    ['import -', ['import', '-', '--json'], bundle, (r) => {
      expect(r.json().fix_attempts.added).toBe(1);
    }],
    ['fix context --from-json -', ['fix', 'context', '--from-json', '-', '--json'], () => JSON.stringify(aiAttempt()), (r) => {
      expect(r.json().issue).toMatchObject({ model: 'llama3:8b', issue_type: 'TIMEOUT' });
    }],
  ];

  // The writer waits 2 s: longer than mem takes to start on a loaded machine, so mem reads first.
  // eb10e99: exit 2, `mem: cannot read stdin: EAGAIN: resource temporarily unavailable, read`.
  it.each(CASES)('%s waits for a slow pipe, and for one set O_NONBLOCK', async (_name, args, input, check) => {
    const other = sandbox();
    try {
      const env = { MEM_NO_WORKER: '1', ARGS: args.join(' ') };
      const runs = [
        [box, '(sleep 2; cat input) | "$NODE" "$BIN" $ARGS'],
        [other, `(sleep 2; cat input) | ${NONBLOCK} "$NODE" "$BIN" $ARGS`],
      ] as const;
      for (const [b] of runs) writeFileSync(join(b.dir, 'input'), input());
      const results = await Promise.all(runs.map(([b, script]) => sh(b, script, env)));
      results.forEach((r, i) => {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        check(r, runs[i]![0]);
      });
    } finally {
      other.cleanup();
    }
  });
});

/** Spool records written the way the hooks write them: one file per session in $MEM_HOME/spool. */
function spool(b: Sandbox, session: string, commands: string[], firstSeq = 1): string {
  const dir = ensureDir(join(b.env.MEM_HOME!, 'spool'));
  const file = join(dir, `${session}.spool`);
  const now = Date.now();
  appendFileSync(file, commands.map((command, i) => spoolLine({ session, seq: firstSeq + i, startUs: (now + i) * 1000, cwd: '/w', command })).join(''));
  return file;
}

describe('defect 3: the spool belongs to the home store', () => {
  it('reading another store with --db neither ingests nor retires the spool; the home store gets it', () => {
    const other = join(box.dir, 'elsewhere', 'other.db');
    expect(box.mem(['--db', other, 'fix', 'record', '--model', 'm', '--issue-type', 'T', '--success']).code).toBe(0);
    const file = spool(box, 'shell-a', ['echo one', 'git status', 'make test']);
    // Idle for two minutes: an ingester retires such a file once it has read it (rename, then delete).
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    const before = readFileSync(file, 'utf8');
    const spoolDir = dirname(file);

    for (const args of [['history'], ['stats'], ['predict'], ['history'], ['stats']]) {
      const r = box.mem(['--db', other, ...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
    }
    // eb10e99: other.db held the three commands and the spool file was renamed and then deleted.
    expect(readdirSync(spoolDir).filter((f) => f.includes('shell-a'))).toEqual(['shell-a.spool']);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(commandsIn(other)).toEqual([]);
    expect(box.mem(['--db', other, 'history', '--json']).json().commands).toEqual([]);

    expect(history(box).map((c) => c.command)).toEqual(['echo one', 'git status', 'make test']);
  });
});

describe('defect 4: restore under a running ingester', () => {
  let daemon: ReturnType<typeof spawn> | undefined;
  afterEach(async () => {
    if (daemon?.pid && alive(daemon.pid)) {
      daemon.kill('SIGTERM');
      await until('the ingester to exit', () => !alive(daemon!.pid!), 5000).catch(() => daemon!.kill('SIGKILL'));
    }
    daemon = undefined;
  });

  it('every command spooled after the restore lands in the restored store, which stays sound', async () => {
    const env = { ...box.env, MEM_HISTORY_DAEMON_LINGER_S: '60' };
    const store = box.db;
    spool(box, 's1', ['echo before-backup']);
    expect(history(box).map((c) => c.command)).toEqual(['echo before-backup']);
    box.mem(['fix', 'record', '--model', 'before', '--issue-type', 'T', '--success']);

    daemon = spawn(process.execPath, [BIN, '__ingest', '--daemon'], { env, stdio: 'ignore' });
    const lock = join(box.env.MEM_HOME!, 'ingest.lock');
    await until('the ingester to take its lock', () => existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(daemon!.pid));

    const bk = box.mem(['backup', '--json']);
    expect(bk.code, bk.stderr).toBe(0);
    const backup = bk.json().path as string;

    // After the backup: a command through the spool (the daemon ingests it) and a fix attempt.
    spool(box, 's1', ['echo after-backup'], 2);
    await until('the daemon to ingest the command', () => commandsIn(store).includes('echo after-backup'));
    box.mem(['fix', 'record', '--model', 'after-backup', '--issue-type', 'T', '--success']);

    const r = box.mem(['restore', backup, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().restored_from).toBe(backup);
    expect(alive(daemon.pid!)).toBe(true);
    // The restored store is the backup's: the fix attempt recorded after the backup is gone.
    expect(query<{ model: string }>(store, 'SELECT model_name AS model FROM fix_attempts ORDER BY id').map((x) => x.model)).toEqual(['before']);

    spool(box, 's1', ['echo after-restore-1'], 3);
    spool(box, 's2', ['echo after-restore-2']);
    // eb10e99: the daemon kept writing to the file restore had renamed away (deleted, still open):
    // these never reached the store at the path, and were lost once the spool files were retired.
    const want = ['echo before-backup', 'echo after-backup', 'echo after-restore-1', 'echo after-restore-2'];
    await until('the daemon to ingest into the restored store', () => want.every((c) => commandsIn(store).includes(c)), 15_000);
    // The command spooled after the backup came back too: the spool offsets are restored with the
    // rows, so the ingester reads the spool again from where the backup had it, and record uids
    // keep it from being stored twice. (A spool file already retired and deleted cannot come back.)
    expect(commandsIn(store)).toEqual(want);

    // The daemon holds no deleted store file open.
    const links = readdirSync(`/proc/${daemon.pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${daemon!.pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(links.filter((l) => l.includes('mem.db') && l.endsWith('(deleted)'))).toEqual([]);

    daemon.kill('SIGTERM');
    await until('the ingester to exit', () => !alive(daemon!.pid!), 5000);
    expect(query(store, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(history(box).map((c) => c.command)).toEqual(want);
    expect(box.mem(['doctor', '--json']).json().checks.find((c: { name: string }) => c.name === 'integrity').status).toBe('ok');
  });
});

describe('defect 4: restore under a running embedding worker', () => {
  let worker: ReturnType<typeof spawn> | undefined;
  afterEach(async () => {
    if (worker?.pid && alive(worker.pid)) {
      worker.kill('SIGKILL');
      await until('the worker to exit', () => !alive(worker!.pid!), 5000).catch(() => undefined);
    }
    worker = undefined;
  });

  it('a worker embedding through a restore goes on in the restored store, consistently', async () => {
    const env = { MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_MODEL_DIR: writeTestModel(join(box.dir, 'model')), MEM_EMBEDDING_BATCH_SIZE: '4', MEM_SCOPE: 's' };
    const n = 1000; // ~100 a second in batches of 4 here: the worker is still busy when the restore is done
    const file = join(box.dir, 'memories.jsonl');
    writeFileSync(file, jsonl(Array.from({ length: n }, (_, i) => ({ content: `note ${i}: the build of service ${i % 37} failed on step ${i % 11}`, kind: 'note' }))));
    expect(box.mem(['add', '--bulk', file, '--json'], { env }).json().created).toBe(n);
    const bk = box.mem(['backup', '--json'], { env });
    expect(bk.code, bk.stderr).toBe(0);
    const status = () =>
      Object.fromEntries(query<{ s: string; c: number }>(box.db, 'SELECT embedding_status AS s, COUNT(*) AS c FROM memories GROUP BY 1').map((r) => [r.s, r.c])) as Record<string, number>;

    worker = spawn(process.execPath, [BIN, 'embed', '--worker'], { env: { ...box.env, ...env }, stdio: 'ignore' });
    await until('the worker to embed a few batches', () => (status().completed ?? 0) >= 40, 60_000, 50);
    const r = box.mem(['restore', bk.json().path, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(alive(worker.pid!), 'the worker finished before the restore: make its work longer').toBe(true);
    await until('the worker to finish', () => !alive(worker!.pid!), 120_000, 100);

    // eb10e99: the worker went on writing into the renamed-away file; the restored store stayed
    // all pending. Now its batches after the restore land in the restored store; the one in flight
    // during the restore (claimed in the old content) is left pending, never half-written.
    const after = status();
    expect(after.processing ?? 0).toBe(0);
    expect(after.completed ?? 0).toBeGreaterThan(0);
    expect((after.completed ?? 0) + (after.pending ?? 0)).toBe(n);
    expect(query<{ c: number }>(box.db, 'SELECT COUNT(*) AS c FROM memory_vec_384_rowids')[0]!.c).toBe(after.completed);
    expect(query(box.db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});

/** A store with fix attempts and shell commands, checkpointed into its main file. */
function populate(b: Sandbox, attempts = 300, commands = 300): void {
  const items = Array.from({ length: attempts }, (_, i) =>
    aiAttempt({ notes: `attempt ${i} `.repeat(20), issue_data: { model: `m${i % 20}:7b`, test_prompt: `prompt ${i}` }, ai_response: { fix_commands: [`fix-${i % 7}`] } }),
  );
  const file = join(b.dir, 'attempts.jsonl');
  writeFileSync(file, jsonl(items));
  const r = b.mem(['fix', 'record', '--from-json', file]);
  if (r.code !== 0) throw new Error(r.stderr);
  if (commands) spool(b, 'pop', Array.from({ length: commands }, (_, i) => `echo command-${i} && make target-${i % 13}`));
  expect(history(b).length).toBe(commands);
  const db = new Database(b.db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

type Damage = 'truncated' | 'zeroed header' | 'garbage' | 'root page of commands overwritten' | 'root page of fix_attempts overwritten' | 'bytes flipped mid-file';

/** Breaks a store file the ways disks and people do. */
function damage(path: string, how: Damage): void {
  const size = statSync(path).size;
  const rand = seeded(8);
  const bytes = readFileSync(path);
  switch (how) {
    case 'truncated':
      return truncateSync(path, Math.floor(size / 2));
    case 'zeroed header':
      bytes.fill(0, 0, 100);
      break;
    case 'garbage':
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
      break;
    case 'root page of commands overwritten':
    case 'root page of fix_attempts overwritten': {
      const table = how.split(' ')[3]!;
      const rootpage = query<{ rootpage: number }>(path, `SELECT rootpage FROM sqlite_master WHERE name = '${table}'`)[0]!.rootpage;
      const pageSize = bytes.readUInt16BE(16);
      bytes.fill(0xa5, (rootpage - 1) * pageSize, rootpage * pageSize);
      break;
    }
    case 'bytes flipped mid-file':
      // 300 random bytes every 7 pages through the middle third.
      for (let off = Math.floor(size / 3); off < (size * 2) / 3; off += 4096 * 7) for (let i = 0; i < 300; i++) bytes[off + 100 + i] = Math.floor(rand() * 256);
      break;
  }
  writeFileSync(path, bytes);
}

describe('defect 5: restore recovers a corrupt store', () => {
  it.each<Damage>(['truncated', 'zeroed header', 'garbage'])('%s: restored, the broken file kept aside', (how) => {
    populate(box, 60, 20);
    const bk = box.mem(['backup', '--json']);
    expect(bk.code, bk.stderr).toBe(0);
    box.mem(['fix', 'record', '--model', 'after-backup', '--issue-type', 'T', '--success']);
    const db = new Database(box.db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    damage(box.db, how);
    const broken = readFileSync(box.db);
    expect(box.mem(['stats']).code).not.toBe(0);

    // eb10e99: refused, "the store ... is corrupt; restore a backup" (or "not a mem store"), exit 1/2.
    const r = box.mem(['restore', bk.json().path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report.corrupt_store_kept).toEqual(expect.any(String));
    expect(readFileSync(report.corrupt_store_kept)).toEqual(broken);
    expect(statSync(box.db).mode & 0o777).toBe(0o600);
    expect(query(box.db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);

    const stats = box.mem(['stats', '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.json().fixes.total_fixes_attempted).toBe(60);
    expect(history(box)).toHaveLength(20);
    const doctor = box.mem(['doctor', '--json']);
    expect(doctor.json().checks.filter((c: { status: string }) => c.status === 'fail')).toEqual([]);
  });
});

describe('defect 11: a corrupt store is reported in one line by every command', () => {
  const READERS: string[][] = [
    ['export'],
    ['export'],
    ['stats'],
    ['stats'],
    ['history'],
    ['patterns'],
    ['fix', 'context', '--model', 'm1:7b', '--issue-type', 'TIMEOUT'],
    ['predict'],
    ['recent'],
  ];

  it.each<Damage>(['truncated', 'root page of commands overwritten', 'root page of fix_attempts overwritten', 'bytes flipped mid-file'])('%s', (how) => {
    populate(box);
    damage(box.db, how);

    // eb10e99: "mem: internal error: database disk image is malformed" from doctor, export, stats...
    const doctor = box.mem(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stderr).toBe('');
    expect(doctor.stdout).not.toMatch(/internal error/);
    // One line per check; the failing one names the problem.
    for (const line of doctor.stdout.trimEnd().split('\n').slice(0, -1)) expect(line).toMatch(/^[✓!✗] /);
    expect(doctor.stdout).toMatch(/^✗ (store|integrity) +.*(corrupt|malformed|out of order|invalid page|integrity|btree|page)/im);
    const dj = box.mem(['doctor', '--json']);
    expect(dj.code).toBe(1);
    expect(dj.json().checks.filter((c: { status: string }) => c.status === 'fail').length).toBeGreaterThan(0);

    READERS.forEach((args, i) => {
      const json = i % 2 === 1; // both forms, without running every command twice
      const r = box.mem(json ? [...args, '--json'] : args);
      const what = `${args.join(' ')}${json ? ' --json' : ''} (exit ${r.code}): ${r.stderr}`;
      expect(r.stderr, what).not.toMatch(/internal error|\n\s+at /);
      if (r.code === 0) return; // this command does not read the broken pages
      expect(r.code, what).toBe(1);
      if (json) expect(JSON.parse(r.stderr).error.code, what).toBe('store_corrupt');
      else expect(r.stderr, what).toMatch(/^mem: [^\n]*corrupt[^\n]*\n$/);
    });

    // Exporting to a file fails whole: no bundle, no temp file.
    const out = join(box.dir, 'out');
    mkdirSync(out);
    const e = box.mem(['export', join(out, 'bundle.json')]);
    if (e.code !== 0) {
      expectOneLineError(e);
      expect(readdirSync(out)).toEqual([]);
    }
  });
});

describe('defect 13: a store that does not exist is never created by a reader', () => {
  const READERS: string[][] = [
    ['stats'],
    ['history'],
    ['list'],
    ['search', 'cache'],
    ['predict'],
    ['export'],
    ['patterns'],
    ['patterns', 'learned'],
    ['fix', 'context', '--model', 'm', '--issue-type', 'T'],
    ['fix', 'similar', '--model', 'm', '--issue-type', 'T'],
    ['recent'],
    ['successful'],
    ['fix', 'last'],
    ['workflows'],
    ['graph'],
    ['episode', 'failures'],
    ['context', 'deploy the service'],
    ['recall-error', 'ModuleNotFoundError'],
    ['embed', '--status'],
    ['doctor'],
  ];
  const env = { MEM_OFFLINE: '1', MEM_NO_WORKER: '1' };

  it.each(READERS)('named store (--db, MEM_DB): exit 2, nothing created: %s', (...args) => {
    const missing = join(box.dir, 'nonexistent', 'x.db');
    // eb10e99: exit 0 (doctor 1), and nonexistent/x.db created.
    const r = box.mem(['--db', missing, ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(`mem: no store at ${missing} (nothing is created by a command that only reads)\n`);
    const viaEnv = box.mem([...args, '--json'], { env: { ...env, MEM_DB: missing } });
    expect(viaEnv.code).toBe(2);
    expect(JSON.parse(viaEnv.stderr).error.code).toBe('no_store');
    expect(existsSync(join(box.dir, 'nonexistent'))).toBe(false);
  });

  it.each(READERS)('home store not created yet: reads as empty, exit 0, nothing created: %s', (...args) => {
    // eb10e99: created $MEM_HOME/mem.db.
    const r = box.mem([...args, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(() => r.json()).not.toThrow();
    expect(readdirSync(box.dir)).toEqual([]);
  });

  it('export FILE of a missing store writes no file', () => {
    const r = box.mem(['--db', join(box.dir, 'nope.db'), 'export', join(box.dir, 'bundle.json')]);
    expect(r.code).toBe(2);
    expect(readdirSync(box.dir)).toEqual([]);
  });
});

describe('defect 14: an unavailable embedding model is remembered, and said once', () => {
  const env = { MEM_OFFLINE: '1', MEM_NO_WORKER: '1' };
  const statusFile = () => join(box.env.MEM_HOME!, 'embed.status.json');
  const NOTICE = /semantic ranking unavailable \(no embedding model/;

  function expectSaidOnce(): void {
    const first = box.mem(['search', 'cache'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/cache warmed up slowly/);
    expect(first.stderr).toMatch(NOTICE);
    const status = existsSync(statusFile()) ? readFileSync(statusFile(), 'utf8') : null;
    const mtime = existsSync(statusFile()) ? statSync(statusFile()).mtimeMs : null;

    // eb10e99: the notice again, on every search (and the model was looked for every time).
    const second = box.mem(['search', 'cache'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/cache warmed up slowly/);
    expect(second.stderr).toBe('');
    const json = box.mem(['search', 'cache', '--json'], { env });
    expect(json.stderr).toBe('');
    expect(json.json().notice).toMatch(NOTICE);
    expect(json.json().results).toHaveLength(1);
    // Not tried again: a failed attempt to load the model rewrites the status file.
    expect(readFileSync(statusFile(), 'utf8')).toBe(status);
    expect(statSync(statusFile()).mtimeMs).toBe(mtime);
    expect(box.mem(['recall-error', 'cache warmed'], { env }).stderr).toBe('');
  }

  it('the first search says it, later ones do not and do not try again', () => {
    expect(box.mem(['add', 'the cache warmed up slowly after the deploy'], { env }).code).toBe(0);
    expectSaidOnce();
  });

  it('a background worker that found no model first does not keep people from being told', () => {
    expect(box.mem(['add', 'the cache warmed up slowly after the deploy'], { env }).code).toBe(0);
    // What `mem add` starts detached, run here to its end: it finds no model and remembers why.
    const worker = box.mem(['embed', '--worker'], { env });
    expect(worker.code).toBe(0);
    expect(worker.stderr).toBe('');
    expect(JSON.parse(readFileSync(statusFile(), 'utf8')).unavailable).toMatch(/no embedding model/);
    expectSaidOnce();
  });
});
