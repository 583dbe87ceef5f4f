// What is removed is gone: after `mem prune` (a filter added later, a secret redacted), after
// `mem rm --purge` and after `mem cleanup`, the text is in no table, no derived statistic, no
// suggestion file, and not in the bytes of the store file, its WAL or a later backup.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../src/db/open.js';
import { rebuildPredictions } from '../src/predict/learner.js';
import { ShellStore } from '../src/shell/store/commands.js';
import { BIN, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, spoolLine } from './shell-support.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const PRIVATE = 'secret-tool lookup --label=zebra91 vault';
const TOKEN = 'ghp_' + 'Qm8Rt2Yx6Lp0Vn4Kc9Hs3Jd7Fw1Bz5Ga8Ue2Io6'.slice(0, 36);
const MIN = 60_000;
const NO_EMBED = { MEM_EMBEDDING_PROVIDER: 'none' };

const NOW = Date.now();

/** Three sessions that run the private command between ordinary ones (at the same times with or without it). */
function sessions(withPrivate: boolean): Record<string, { command: string; ts: number }[]> {
  let t = NOW - 300 * MIN;
  const day = (extra: string[]) =>
    ['cd /w', 'git pull', PRIVATE, 'make build', 'make test', 'git push', ...extra].map((command) => ({ command, ts: (t += MIN) })).filter((c) => withPrivate || c.command !== PRIVATE);
  return { s1: day(['ls']), s2: day(['git status']), s3: day(['make build']) };
}

/** Writes the sessions' records as the hooks spool them. */
function capture(all: Record<string, { command: string; ts: number }[]>): void {
  const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
  for (const [session, commands] of Object.entries(all)) {
    const lines = commands.map((c, i) => spoolLine({ session, seq: i + 1, startUs: c.ts * 1000, cwd: '/w', command: c.command }));
    writeFileSync(join(dir, `${session}.spool`), lines.join(''));
  }
}

const ok = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = box.mem(args, { env: { ...NO_EMBED, ...env } });
  expect(r.code, `mem ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};

/** Every derived view a user or the shell sees, as text. */
function derivedViews(): string {
  const predict = [['--context', 'git pull'], ['--context', 'make build'], ['--session', 's3'], []].map((a) => ok(['predict', '--json', '--top-k', '10', ...a]).stdout);
  const suggest = join(box.env.MEM_HOME!, 'suggest');
  const files = existsSync(suggest) ? readdirSync(suggest).map((f) => readFileSync(join(suggest, f), 'utf8')) : [];
  return [...predict, ok(['graph', '--json', '--top', '1000']).stdout, ok(['workflows', '--json', '--min-count', '2']).stdout, ...files].join('\n');
}

/**
 * Another process with the store open (the background ingester, a long `mem` command): while it
 * is, closing a connection does not checkpoint, so the WAL and the file keep whatever they hold.
 */
function holdOpen(): Database.Database {
  const db = new Database(box.db);
  db.prepare('SELECT COUNT(*) FROM commands').get();
  return db;
}

/** The raw bytes of the store, its WAL and a backup taken now, as latin1 text to search. */
function storeBytes(): { db: string; wal: string; backup: string } {
  const r = ok(['backup', '--dir', join(box.dir, 'backups'), '--json']);
  const backup = r.json().path as string;
  const read = (p: string) => (existsSync(p) ? readFileSync(p).toString('latin1') : '');
  return { db: read(box.db), wal: read(`${box.db}-wal`), backup: read(backup) };
}

const PREDICT_TABLES = ['predict_commands', 'predict_transitions', 'predict_contexts', 'predict_streams', 'workflows', 'workflow_dirs'];

function dumpPredictTables(path: string, opts: { withTimes: boolean }): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(
      PREDICT_TABLES.map((t) => {
        const rows = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all() as Record<string, unknown>[];
        return [t, opts.withTimes ? rows : rows.map(({ updated_at: _u, ...r }) => r)];
      }),
    );
  } finally {
    db.close();
  }
}

describe('mem prune removes a command everywhere', () => {
  it('a filter added later: predictions, graph, workflows, suggestion files, the file bytes, the WAL and a later backup no longer hold it', () => {
    capture(sessions(true));
    ok(['__ingest', '--learn-all']);
    // The private command is learned: it is offered, and its bytes are in the store.
    expect(derivedViews()).toContain('zebra91');
    expect(storeBytes().db + storeBytes().wal).toContain('zebra91');

    const other = holdOpen();
    try {
      const r = ok(['prune', '--json'], { MEM_HISTORY_IGNORE_COMMANDS: '^secret-tool' });
      expect(r.json()).toMatchObject({ commands: { deleted: 3, reasons: { 'history.ignore_commands': 3 } }, relearned: 18 });
      const bytes = storeBytes();
      for (const [where, text] of Object.entries(bytes)) {
        expect(text.includes('zebra91'), `zebra91 in ${where}`).toBe(false);
        expect(text.includes('secret-tool'), `secret-tool in ${where}`).toBe(false);
      }
    } finally {
      other.close();
    }
    const views = derivedViews();
    expect(views).not.toContain('zebra91');
    expect(views).not.toContain('secret-tool');
    expect(views).toContain('make test'); // still predicting
  });

  it('the statistics after prune are those of a history that never had the command', () => {
    capture(sessions(true));
    ok(['__ingest', '--learn-all']);
    ok(['prune'], { MEM_HISTORY_IGNORE_COMMANDS: '^secret-tool' });
    const pruned = dumpPredictTables(box.db, { withTimes: false });

    const mine = box;
    box = sandbox();
    try {
      capture(sessions(false));
      ok(['__ingest', '--learn-all']);
      expect(pruned).toEqual(dumpPredictTables(box.db, { withTimes: false }));
    } finally {
      box.cleanup();
      box = mine;
    }
  });

  it('a secret redacted by prune is gone from the derived tables and the bytes', () => {
    capture(sessions(false));
    ok(['__ingest', '--learn-all']);
    // An old store: a raw secret, written behind mem's back, then learned.
    const db = new Database(box.db);
    db.prepare("INSERT INTO commands (uid, command, cwd, exit_code, ts, duration_ms, session, shell, source) VALUES ('old:1', ?, '/w', 0, ?, 5, 's3', 'bash', 'hook')").run(
      `curl -H "Authorization: token ${TOKEN}" https://api.github.com/user`,
      NOW - MIN,
    );
    db.close();
    ok(['__ingest', '--learn-all']);
    expect(dumpPredictTables(box.db, { withTimes: true })).toSatisfy((t) => JSON.stringify(t).includes(TOKEN));

    const other = holdOpen();
    try {
      expect(ok(['prune', '--json']).json()).toMatchObject({ commands: { redacted: 1 } });
      for (const [where, text] of Object.entries(storeBytes())) expect(text.includes(TOKEN), `token in ${where}`).toBe(false);
    } finally {
      other.close();
    }
    const tables = JSON.stringify(dumpPredictTables(box.db, { withTimes: true }));
    expect(tables).not.toContain(TOKEN);
    expect(tables).toContain('token [REDACTED:github_token]');
    expect(derivedViews()).not.toContain(TOKEN);
  });

  it('rebuilding the statistics from the same commands gives the same predictions', () => {
    capture(sessions(true));
    // Learned live, a few commands at a time, as the hooks feed it (the ranking weights train too).
    ok(['__ingest']);
    const before = derivedViews();
    const tables = dumpPredictTables(box.db, { withTimes: true });
    const db = openDb(box.db);
    try {
      const weights = db.prepare("SELECT value FROM predict_state WHERE key = 'weights'").pluck().get();
      const r = rebuildPredictions(db, Date.now());
      expect(r.learned).toBe(21);
      expect(db.prepare("SELECT value FROM predict_state WHERE key = 'weights'").pluck().get()).toBe(weights);
    } finally {
      db.close();
    }
    expect(dumpPredictTables(box.db, { withTimes: true })).toEqual(tables);
    expect(derivedViews()).toBe(before);
  });
});

describe('relearning while another learner works', () => {
  it('two learners at once (prune relearning while the background ingester learns) count each command once', async () => {
    const db = openDb(box.db);
    const n = 12_000;
    try {
      const words = ['git status', 'make', 'ls', 'cd /w', 'npm test', 'vim a.ts', 'git commit -m x'];
      new ShellStore(db).insert(
        Array.from({ length: n }, (_, i) => ({ uid: `t:${i}`, command: words[(i * 7 + (i >> 3)) % words.length]!, cwd: '/w', git_root: null, exit_code: 0, ts: NOW - (n - i) * 1000, duration_ms: 1, session: `s${i % 3}`, shell: 'bash', host: null, user: null, source: 'hook' })),
      );
    } finally {
      db.close();
    }
    const learner = () =>
      new Promise<number>((res) => spawn(process.execPath, [BIN, '__ingest', '--learn-all'], { env: box.env, stdio: 'ignore' }).on('exit', (c) => res(c ?? -1)));
    expect(await Promise.all([learner(), learner(), learner()])).toEqual([0, 0, 0]);
    const check = new Database(box.db, { readonly: true });
    try {
      expect(check.prepare('SELECT SUM(count) FROM predict_commands').pluck().get()).toBe(n);
      expect(check.prepare("SELECT value FROM predict_state WHERE key = 'seq'").pluck().get()).toBe(String(n));
    } finally {
      check.close();
    }
  });
});

describe('a purged memory is gone from the file', () => {
  const SECRET = 'xqvault launch code 7731 for the xqzebra deploy';

  function addMemory(): string {
    const r = ok(['add', SECRET, '--kind', 'note', '--title', 'xqtitle launch', '--tags', 'xqtag', '--json']);
    const id = r.json().id as string;
    ok(['edit', id, '--content', `${SECRET} (edited)`]);
    expect(ok(['search', 'xqzebra', '--mode', 'keyword', '--json']).stdout).toContain(id);
    return id;
  }

  /** `remove` runs while another process has the store open; then nothing of the memory is left. */
  function expectGone(remove: () => void): void {
    const other = holdOpen();
    try {
      remove();
      for (const [where, text] of Object.entries(storeBytes())) {
        for (const needle of ['xqvault', 'xqzebra', 'xqtitle', 'xqtag']) expect(text.includes(needle), `${needle} in ${where}`).toBe(false);
      }
    } finally {
      other.close();
    }
    const db = new Database(box.db, { readonly: true });
    try {
      const blobs = db.prepare('SELECT block FROM memories_fts_data').all() as { block: Buffer }[];
      expect(blobs.some((b) => b.block.toString('latin1').includes('xqzebra'))).toBe(false);
      const audit = JSON.stringify(db.prepare('SELECT * FROM memory_audit').all());
      expect(audit).not.toContain('xq');
    } finally {
      db.close();
    }
    expect(ok(['search', 'xqzebra', '--mode', 'keyword', '--json']).json().results ?? []).toEqual([]);
  }

  it('mem rm --purge', () => {
    ok(['add', 'an unrelated note about compilers', '--kind', 'note']);
    const id = addMemory();
    expectGone(() => ok(['rm', id, '--purge']));
  });

  it('mem cleanup of a memory deleted earlier', () => {
    ok(['add', 'an unrelated note about compilers', '--kind', 'note']);
    const id = addMemory();
    ok(['rm', id]);
    expectGone(() => expect(ok(['cleanup', '--older-than', '0s', '--json']).json()).toMatchObject({ removed: { deleted_memories: 1 } }));
  });
});
