// `mem doctor`: each check is a small function returning data; the command renders them.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Check } from '../core/check.js';
import { noStore, type World } from '../core/world.js';
import { LATEST_VERSION } from '../db/migrations.js';
import { hasFts5, integrity, journalMode, probeSchema, vecVersion } from '../db/health.js';
import { openDb, schemaVersion, type Db } from '../db/open.js';
import { FixMaintenance } from '../fixes/store/attempts.js';
import { embedStatus } from '../memory/embed-status.js';
import { MemoryStore } from '../memory/store/memories.js';
import { shellChecks } from '../shell/doctor.js';
import { FILTER_KEYS, readTimeoutNotes } from '../shell/filters.js';
import { knownError, MemError } from '../errors.js';
import { ago } from '../util/time.js';
import { listBackups } from './backup.js';

export type { Check, Status } from '../core/check.js';

const mode = (p: string) => statSync(p).mode & 0o777;
const octal = (m: number) => '0' + m.toString(8);

export function storeChecks(world: World): Check[] {
  const checks: Check[] = [];
  const { paths } = world;
  const path = paths.store;
  const now = world.now();
  checks.push({ name: 'config', status: 'ok', detail: `${paths.config}${existsSync(paths.config) ? '' : ' (not present: defaults)'}` });
  checks.push(filterCheck(world));
  const dir = dirname(path);
  if (existsSync(dir)) {
    const m = mode(dir);
    checks.push({ name: 'store directory', status: m & 0o077 ? 'warn' : 'ok', detail: `${dir} (${octal(m)}${m & 0o077 ? ', readable by others: chmod 700' : ''})` });
  }
  if (!existsSync(path)) {
    // A store named with --db or MEM_DB that is not there is a mistake to report, like any reader does.
    if (paths.named) throw noStore(path);
    checks.push({ name: 'store', status: 'warn', detail: `${path} does not exist yet (created by the first command that records something)` });
    return [...checks, ...shellChecks(world.env, paths, null, now)];
  }
  const m = mode(path);
  checks.push({ name: 'store file', status: m & 0o077 ? 'warn' : 'ok', detail: `${path} (${octal(m)}${m & 0o077 ? ', readable by others: chmod 600' : ''})` });
  let db: Db;
  try {
    // Not migrated or created here: the doctor looks at the store as it is.
    db = openDb(path, { inspectOnly: true, busyTimeoutMs: world.config.get<number>('store.busy_timeout_ms') });
    probeSchema(db);
  } catch (err) {
    checks.push({ name: 'store', status: 'fail', detail: `${unreadable(err, path)}; \`mem restore BACKUP\` replaces it (the broken file is kept aside)` });
    return [...checks, ...shellChecks(world.env, paths, null, now)];
  }
  try {
    checks.push(tryCheck('schema version', () => {
      const version = schemaVersion(db);
      if (version !== LATEST_VERSION) fail(`${version} (this mem: ${LATEST_VERSION})`);
      return `${version}`;
    }));
    const health = tryCheck('integrity', () => {
      const found = integrityProblems(db);
      if (!found.length) return 'ok';
      const more = found.length > 3 ? ` (+${found.length - 3} more)` : '';
      return fail(`the store is corrupt: ${found.slice(0, 3).join('; ')}${more}; restore a backup (\`mem restore BACKUP\`)`);
    });
    checks.push(health);
    checks.push(tryCheck('journal mode', () => journalMode(db)));
    checks.push(tryCheck('sqlite-vec', () => `loaded, ${vecVersion(db)}`));
    checks.push(tryCheck('fts5', () => (hasFts5(db) ? 'available' : fail('not compiled in'))));
    if (health.status === 'ok') {
      checks.push(tryCheck('fix aggregates', () => aggregateCheck(db)));
      checks.push(embeddingCheck(world, db));
    }
    const backups = listBackups(paths.backups);
    const newest = backups[backups.length - 1];
    checks.push({
      name: 'backups',
      status: newest ? 'ok' : 'warn',
      detail: newest ? `${backups.length} in ${paths.backups}, newest ${ago(statSync(`${paths.backups}/${newest}`).mtimeMs, now)}` : `none in ${paths.backups} (run \`mem backup\`, e.g. from cron)`,
    });
    return [...checks, ...shellChecks(world.env, paths, health.status === 'ok' ? db : null, now)];
  } finally {
    db.close();
  }
}

/** Why the store cannot be opened, without the advice to run the doctor (this is the doctor). */
function unreadable(err: unknown, path: string): string {
  const known = knownError(err, path);
  if (known?.code !== 'store_corrupt') return known?.message ?? (err as Error).message;
  return `the store at ${path} is corrupt${err instanceof MemError ? '' : ` (${(err as Error).message})`}`;
}

/** The integrity check's findings; a check that cannot even run (a page it needs is unreadable) is itself one. */
function integrityProblems(db: Db): string[] {
  try {
    return integrity(db);
  } catch (err) {
    return [(err as Error).message];
  }
}

class Warning extends Error {}

function fail(why: string): never {
  throw new Error(why);
}

function warn(why: string): never {
  throw new Warning(why);
}

/** Runs one check: its text is the detail; a thrown Warning or Error makes it warn or fail. */
function tryCheck(name: string, f: () => string): Check {
  try {
    return { name, status: 'ok', detail: f() };
  } catch (err) {
    return { name, status: err instanceof Warning ? 'warn' : 'fail', detail: (err as Error).message };
  }
}

/** Memories waiting for vectors, failed ones, and why embedding is unavailable if it is. */
function embeddingCheck(world: World, db: Db): Check {
  return tryCheck('embeddings', () => {
    const counts = new MemoryStore(db).statusCounts();
    const provider = world.config.get<string>('embedding.provider');
    const unavailable = embedStatus(world.paths.embedStatus)?.unavailable;
    const summary = `provider ${provider}; ${counts.completed ?? 0} embedded, ${counts.pending ?? 0} pending, ${counts.failed ?? 0} failed`;
    if (provider !== 'none' && unavailable) return warn(`${summary}; ${unavailable}`);
    return counts.failed ? warn(`${summary} (mem embed --retry-failed)`) : summary;
  });
}

/** The aggregates must account for every raw and archived attempt. */
function aggregateCheck(db: Db): string {
  const { expected, counted } = new FixMaintenance(db).accounting();
  return expected === counted ? `${counted} attempts accounted for` : fail(`aggregates count ${counted} attempts, records hold ${expected}`);
}

/**
 * The history filters' regexes: one that cannot be used is skipped, so what the user meant to keep
 * out is recorded (fail); one that ran out of time on some line dropped that line (warn).
 */
function filterCheck(world: World): Check {
  const name = 'history filters';
  const bad = world.config.problems().filter((p) => (FILTER_KEYS as readonly string[]).includes(p.key));
  if (bad.length) {
    const what = bad.map((p) => `${p.key} '${p.pattern}' (${p.origin}) ${p.why.replace(/; rewrite it without that$/, '')}`).join('; ');
    return { name, status: 'fail', detail: `${what}; ignored, so what it should keep out is recorded: fix it with \`mem config set\` (or the variable)` };
  }
  const patterns = FILTER_KEYS.flatMap((key) => world.config.get<string[]>(key).map((pattern) => ({ key, pattern })));
  const slow = readTimeoutNotes(world.paths.spool).filter((n) => patterns.some((p) => p.key === n.key && p.pattern === n.pattern));
  if (slow.length) {
    const what = slow.map((n) => `${n.key} '${n.pattern}' timed out on ${n.count} command(s), last ${ago(n.last_at, world.now())} (${n.why})`).join('; ');
    return { name, status: 'warn', detail: `${what}: those commands were not recorded; simplify the pattern` };
  }
  return { name, status: 'ok', detail: patterns.length ? `${patterns.length} pattern(s), all usable` : 'none configured' };
}
