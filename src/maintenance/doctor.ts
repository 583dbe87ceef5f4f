// `mem doctor`: each check is a small function returning data; the command renders them.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Ctx } from '../context.js';
import { LATEST_VERSION } from '../db/migrations.js';
import { ensureVec, schemaVersion, type Db } from '../db/open.js';
import { listBackups } from './backup.js';
import { embedStatus } from '../memory/embed-status.js';
import { shellChecks } from '../shell/doctor.js';
import { ago } from '../render/style.js';

export type Status = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: Status;
  detail: string;
}

const mode = (p: string) => statSync(p).mode & 0o777;
const octal = (m: number) => '0' + m.toString(8);

export function storeChecks(ctx: Ctx, backupDir: string): Check[] {
  const checks: Check[] = [];
  const path = ctx.dbPath;
  checks.push({ name: 'config', status: 'ok', detail: `${ctx.config.path}${existsSync(ctx.config.path) ? '' : ' (not present: defaults)'}` });
  const dir = dirname(path);
  if (existsSync(dir)) {
    const m = mode(dir);
    checks.push({ name: 'store directory', status: m & 0o077 ? 'warn' : 'ok', detail: `${dir} (${octal(m)}${m & 0o077 ? ', readable by others: chmod 700' : ''})` });
  }
  let db: Db;
  try {
    db = ctx.db();
  } catch (err) {
    checks.push({ name: 'store', status: 'fail', detail: (err as Error).message });
    return [...checks, ...shellChecks(ctx.env, null, ctx.now())];
  }
  const m = mode(path);
  checks.push({ name: 'store file', status: m & 0o077 ? 'warn' : 'ok', detail: `${path} (${octal(m)}${m & 0o077 ? ', readable by others: chmod 600' : ''})` });
  const version = schemaVersion(db);
  checks.push({ name: 'schema version', status: version === LATEST_VERSION ? 'ok' : 'fail', detail: `${version} (this mem: ${LATEST_VERSION})` });
  const integrity = db.pragma('integrity_check', { simple: true }) as string;
  checks.push({ name: 'integrity', status: integrity === 'ok' ? 'ok' : 'fail', detail: integrity });
  const journal = db.pragma('journal_mode', { simple: true }) as string;
  checks.push({ name: 'journal mode', status: journal === 'wal' ? 'ok' : 'warn', detail: journal });
  checks.push(tryCheck('sqlite-vec', () => `loaded, ${(ensureVec(db).prepare('SELECT vec_version() AS v').get() as { v: string }).v}`));
  checks.push(tryCheck('fts5', () => (db.prepare("SELECT sqlite_compileoption_used('ENABLE_FTS5') AS f").get() as { f: number }).f ? 'available' : fail('not compiled in')));
  checks.push(aggregateCheck(db));
  checks.push(embeddingCheck(ctx, db));
  const backups = listBackups(backupDir);
  const newest = backups[backups.length - 1];
  checks.push({
    name: 'backups',
    status: newest ? 'ok' : 'warn',
    detail: newest ? `${backups.length} in ${backupDir}, newest ${ago(statSync(`${backupDir}/${newest}`).mtimeMs, ctx.now())}` : `none in ${backupDir} (run \`mem backup\`, e.g. from cron)`,
  });
  return [...checks, ...shellChecks(ctx.env, db, ctx.now())];
}

function fail(why: string): never {
  throw new Error(why);
}

function tryCheck(name: string, f: () => string): Check {
  try {
    return { name, status: 'ok', detail: f() };
  } catch (err) {
    return { name, status: 'fail', detail: (err as Error).message };
  }
}

/** Memories waiting for vectors, failed ones, and why embedding is unavailable if it is. */
function embeddingCheck(ctx: Ctx, db: Db): Check {
  const counts = Object.fromEntries(
    (db.prepare('SELECT embedding_status AS s, COUNT(*) AS c FROM memories WHERE deleted_at IS NULL GROUP BY 1').all() as { s: string; c: number }[]).map((r) => [r.s, r.c]),
  ) as Record<string, number>;
  const provider = ctx.config.get<string>('embedding.provider');
  const unavailable = embedStatus(ctx.env)?.unavailable;
  const summary = `provider ${provider}; ${counts.completed ?? 0} embedded, ${counts.pending ?? 0} pending, ${counts.failed ?? 0} failed`;
  if (provider !== 'none' && unavailable) return { name: 'embeddings', status: 'warn', detail: `${summary}; ${unavailable}` };
  return { name: 'embeddings', status: counts.failed ? 'warn' : 'ok', detail: counts.failed ? `${summary} (mem embed --retry-failed)` : summary };
}

/** The aggregates must account for every raw and archived attempt. */
function aggregateCheck(db: Db): Check {
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const expected = n('SELECT COUNT(*) AS n FROM fix_attempts') + n('SELECT COALESCE(SUM(attempts), 0) AS n FROM fix_archive');
  const counted = n('SELECT COALESCE(SUM(attempts), 0) AS n FROM fix_daily');
  return expected === counted
    ? { name: 'fix aggregates', status: 'ok', detail: `${counted} attempts accounted for` }
    : { name: 'fix aggregates', status: 'fail', detail: `aggregates count ${counted} attempts, records hold ${expected}` };
}
