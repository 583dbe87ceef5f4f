// Shell-integration checks for `mem doctor`: is a hook installed, is anything arriving, is the
// spool draining, is the ingester alive, and if not, why.
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Check } from '../core/check.js';
import type { Paths } from '../core/paths.js';
import type { Db } from '../db/open.js';
import { ago } from '../util/time.js';
import { scriptPath } from './generated.js';
import { SHELLS } from './init.js';
import { initLineKind, rcFile } from './install.js';
import { lockOwner } from './lock.js';
import { REJECTED_LOG, rejectedPath, rejectedSummary } from './rejected.js';
import { DONE_SUFFIX, SPOOL_SUFFIX } from './spool.js';
import { ShellStore } from './store/commands.js';

const REJECTED_OLD = `${REJECTED_LOG}.1`;

export function shellChecks(env: NodeJS.ProcessEnv, p: Paths, db: Db | null, now: number): Check[] {
  const checks: Check[] = [];
  const installed = SHELLS.flatMap((sh) => {
    // fish: the conf.d file --install writes, or a `mem init fish | source` line in config.fish.
    const files = sh === 'fish' ? [rcFile(sh, env), join(dirname(dirname(rcFile(sh, env))), 'config.fish')] : [rcFile(sh, env)];
    const kinds = files.map((f) => (existsSync(f) ? initLineKind(readFileSync(f, 'utf8'), sh) : null));
    const kind = kinds.includes('eval') ? 'eval' : kinds.includes('source') ? 'source' : null;
    return kind ? [{ sh, kind }] : [];
  });
  checks.push({
    name: 'shell hook',
    status: installed.length ? 'ok' : 'warn',
    detail: installed.length
      ? `installed for ${installed.map((i) => i.sh).join(', ')}${env.MEM_SESSION ? `; this shell records (session ${env.MEM_SESSION})` : '; this shell is not recording (non-interactive, or opened before the install)'}`
      : 'not installed: run `mem init --install zsh` (or bash, fish); non-interactive shells (IDEs, agents) are never recorded',
  });
  // The eval form starts Node in every new shell; a source line needs the generated script.
  const slow = installed.filter((i) => i.kind === 'eval').map((i) => i.sh);
  const missing = installed.filter((i) => i.kind === 'source' && !existsSync(scriptPath(p, i.sh))).map((i) => i.sh);
  if (slow.length || missing.length) {
    checks.push({
      name: 'shell start',
      status: missing.length ? 'fail' : 'warn',
      detail: missing.length
        ? `the generated script for ${missing.join(', ')} is missing (nothing is recorded): run \`mem init --install ${missing[0]}\``
        : `${slow.join(', ')} runs \`mem init\` at every shell start (Node, ~60 ms or more): run \`mem init --install ${slow[0]}\` to load a generated script instead`,
    });
  }
  try {
    // Not created yet is fine: the first command that records something creates it.
    if (existsSync(p.dataDir)) accessSync(p.dataDir, constants.W_OK);
    if (existsSync(p.spool)) accessSync(p.spool, constants.W_OK);
  } catch (err) {
    checks.push({ name: 'data directory', status: 'fail', detail: `${p.dataDir} is not writable (${(err as NodeJS.ErrnoException).code}): commands cannot be spooled or ingested` });
  }
  const last = db ? new ShellStore(db).lastRecord() : undefined;
  checks.push({ name: 'last record', status: last ? 'ok' : 'warn', detail: last ? `${ago(last.ts, now)} (${new Date(last.ts).toISOString()})` : 'no command captured by a hook yet' });
  const backlog = spoolBacklog(p.spool, db);
  checks.push({
    name: 'spool backlog',
    status: backlog.bytes > 1 << 20 ? 'warn' : 'ok',
    detail: `${backlog.bytes} bytes in ${backlog.files} file(s) waiting${backlog.bytes ? ` in ${p.spool}` : ''}`,
  });
  const rejected = rejectedSummary(p.spool);
  checks.push({
    name: 'rejected records',
    status: rejected.count ? 'warn' : 'ok',
    detail: rejected.newest
      ? `${rejected.count} record${rejected.count === 1 ? '' : 's'} in ${rejectedPath(p.spool)}${rejected.older ? ` (${rejected.older} more in ${REJECTED_OLD})` : ''}; newest${rejected.newest.at ? ` ${ago(Date.parse(rejected.newest.at), now)}` : ''}: ${rejected.newest.why} (delete the file to clear this)`
      : 'none',
  });
  const owner = lockOwner(p.ingestLock);
  checks.push({
    name: 'ingester',
    status: owner && !owner.alive ? 'warn' : 'ok',
    detail: owner ? (owner.alive ? `running (pid ${owner.pid})` : `stale lock from pid ${owner.pid} (taken over at the next run)`) : 'not running (the hook starts it when needed)',
  });
  const status = readStatus(join(p.spool, 'ingest.status.json'));
  if (status) {
    checks.push({
      name: 'last ingest',
      status: status.ok ? 'ok' : 'fail',
      detail: status.ok ? `${ago(Date.parse(status.at), now)}, ok` : `${ago(Date.parse(status.at), now)} failed: ${status.error} — records wait in the spool`,
    });
  }
  return checks;
}

function spoolBacklog(dir: string, db: Db | null): { bytes: number; files: number } {
  if (!existsSync(dir)) return { bytes: 0, files: 0 };
  let bytes = 0;
  let files = 0;
  const store = db && new ShellStore(db);
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(SPOOL_SUFFIX) && !f.endsWith(DONE_SUFFIX)) continue;
    const st = statSync(join(dir, f));
    const pr = store?.spoolProgress(f);
    const pending = st.size - (pr && pr.inode === st.ino ? pr.offset : 0);
    if (pending > 0) {
      bytes += pending;
      files++;
    }
  }
  return { bytes, files };
}

function readStatus(path: string): { at: string; ok: boolean; error?: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { at: string; ok: boolean; error?: string };
  } catch {
    return null;
  }
}
