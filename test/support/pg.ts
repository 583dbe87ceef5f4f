// A throwaway PostgreSQL cluster for the team-sync tests and benches: initdb in a temp dir, a unix
// socket in that dir and a random loopback port, password (SCRAM) authentication over TCP, removed
// afterwards. initdb refuses to run as root: then every server binary runs as an unprivileged user
// (`postgres` when it exists, else `nobody`) through runuser.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where PostgreSQL's server binaries are (Debian: /usr/lib/postgresql/<major>/bin), or null. */
export function pgBin(): string | null {
  if (process.env.MEM_PG_BIN) return process.env.MEM_PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(base, majors[0]!, 'bin') : null;
}

export const PG_SKIP = pgBin() ? '' : 'no PostgreSQL server binaries (apt-get install postgresql): team-sync tests skipped';

export interface PgCluster {
  port: number;
  dir: string;
  /** The superuser's URL (its password is ADMIN_PASSWORD, given through PGPASSWORD). */
  adminUrl: string;
  adminPassword: string;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  remove(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function asUser(): string | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres']);
  return r.status === 0 ? 'postgres' : 'nobody';
}

function sh(bin: string, args: string[], user: string | null): SpawnSyncReturns<string> {
  const r = user ? spawnSync('runuser', ['-u', user, '--', bin, ...args], { encoding: 'utf8' }) : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r;
}

export async function startCluster(): Promise<PgCluster> {
  const bin = pgBin();
  if (!bin) throw new Error(PG_SKIP);
  const user = asUser();
  const dir = mkdtempSync(join(tmpdir(), 'mem-pg-'));
  const data = join(dir, 'data');
  const adminPassword = 'admin-' + Math.random().toString(36).slice(2);
  writeFileSync(join(dir, 'pw'), adminPassword + '\n');
  if (user) {
    const id = spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim();
    chownSync(dir, Number(id), Number(gid));
    chownSync(join(dir, 'pw'), Number(id), Number(gid));
  }
  chmodSync(dir, 0o700);
  sh(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', join(dir, 'pw'), '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-instructions', '--no-sync'], user);
  const port = await freePort();
  const opts = `-k ${dir} -p ${port} -h 127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=40`;
  const start = () => void sh(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start'], user);
  start();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let removed = false;
  return {
    port,
    dir,
    adminUrl,
    adminPassword,
    start,
    stop(mode = 'fast') {
      sh(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop'], user);
    },
    remove() {
      if (removed) return;
      removed = true;
      try {
        sh(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], user);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
