// Team sync in the core API: push this store's changes to the PostgreSQL hub, pull the other
// stores', set up a team. Every read stays local: only these functions touch the network, and
// they load pg only when called.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'pg';
import { setConfigValue } from '../config/config.js';
import type { World } from '../core/world.js';
import { MemError, UsageError } from '../errors.js';
import { defaultModelFor } from '../memory/embed/types.js';
import { startEmbedWorker } from '../memory/embedder.js';
import { relearnAll, resetPredictions } from '../predict/learner.js';
import { addMember, checkMember, checkTeam, connect, heads, hubError, migrateHub, pullOps, pushOps, redactUrl, teamChannel } from './hub.js';
import { syncDue } from './due.js';
import { SyncStore } from './store.js';
import { makeDirs } from '../util/dirs.js';

export interface SyncReport {
  url: string;
  team: string;
  pushed: number;
  pulled: number;
  skipped: number;
  origins: number;
  backfilled: number;
  ms: number;
}

export interface SyncStatus {
  configured: boolean;
  url: string;
  team: string;
  shell: boolean;
  store_id: string | null;
  pending: number;
  last_sync_at: string | null;
  last_attempt_at: string | null;
  last_error: string | null;
  /** Seconds since the last successful sync. */
  lag_s: number | null;
  /** From the hub: how many changes of how many other stores wait to be pulled. */
  hub: { reachable: boolean; error?: string; behind?: number; origins?: number } | null;
}

export interface SyncProgress {
  phase: 'push' | 'pull';
  done: number;
}

export interface SyncApi {
  /** Pushes what the hub lacks, then pulls what this store lacks. */
  sync(o?: { onProgress?: (p: SyncProgress) => void }): Promise<SyncReport>;
  /** What is waiting, when the last sync ran and how it ended; asks the hub how far behind this store is unless `offline`. */
  status(o?: { offline?: boolean }): Promise<SyncStatus>;
  /** Follows the hub: syncs now, then whenever another store pushes (LISTEN) or this one has changes. */
  watch(o: { signal: AbortSignal; onSync: (r: SyncReport) => void; onError: (e: MemError) => void; pollMs?: number }): Promise<void>;
  /** Creates or migrates the hub schema (as the hub's administrator) and remembers the URL for add-member. */
  teamInit(url: string): Promise<{ url: string; from_version: number; version: number }>;
  /** A login role for one member of TEAM (the team is created with its first member); its password is shown once. */
  addMember(team: string, o?: { hub?: string }): Promise<{ team: string; role: string; team_created: boolean; url: string; password: string }>;
  /** Checks the connection and membership, keeps the password in a 0600 file, and sets sync.url and sync.team. */
  join(url: string, team: string): Promise<{ url: string; team: string; role: string; password_file: string | null }>;
  /** Whether a background sync is due (sync.url set and sync.interval_s passed since the last attempt, and since `lastSpawn`, epoch ms). */
  due(lastSpawn?: number): boolean;
}

export function syncApi(world: World): SyncApi {
  const cfg = () => ({
    url: world.config.get<string>('sync.url'),
    team: world.config.get<string>('sync.team'),
    shell: world.config.get<boolean>('sync.shell'),
  });
  const passwordFile = () => world.config.get<string>('sync.password_file') || join(world.paths.dataDir, 'sync-password');
  const password = (): string | undefined => {
    if (world.env.PGPASSWORD) return world.env.PGPASSWORD;
    const file = passwordFile();
    if (!existsSync(file)) return undefined; // pg reads ~/.pgpass
    if (statSync(file).mode & 0o077) throw new MemError(`the hub password file ${file} is readable by others: chmod 600 it`, 1, 'password_file_mode');
    return readFileSync(file, 'utf8').trim();
  };
  const needConfig = () => {
    const c = cfg();
    if (!c.url || !c.team) throw new UsageError('sync is not set up: run `PGPASSWORD=... mem team join URL --team TEAM` (or set sync.url and sync.team)', 'sync_not_configured');
    checkTeam(c.team, 'sync.team');
    return c;
  };
  const open = async (url: string) => connect(url, password());
  /** The model this store embeds with: another store's vector of a model of this name is kept, not computed again. */
  const embeddingModel = (): string | null => {
    const provider = world.config.get<string>('embedding.provider');
    return provider === 'none' ? null : world.config.get<string>('embedding.model') || defaultModelFor(provider);
  };

  async function run(client: Client, c: { url: string; team: string; shell: boolean }, onProgress?: (p: SyncProgress) => void): Promise<SyncReport> {
    const started = Date.now();
    const BATCH = world.config.get<number>('sync.batch_size');
    const store = new SyncStore(world.db());
    const { backfilled } = store.enable(c.shell);
    let origin = store.origin;
    let pushed = 0;
    for (;;) {
      const batch = store.pending(BATCH);
      if (!batch.length) break;
      try {
        await pushOps(client, c.team, origin, store.toOps(batch));
      } catch (err) {
        if (!(err instanceof MemError && err.code === 'store_forked')) throw err;
        origin = store.rekey();
        continue;
      }
      store.markPushed(batch[batch.length - 1]!.seq);
      pushed += batch.length;
      onProgress?.({ phase: 'push', done: pushed });
    }
    let pulled = 0;
    let skipped = 0;
    let memories = 0;
    // Another store pruned or redacted commands: the prediction statistics (their text lives in
    // keys and decayed counts that cannot be taken apart) are reset in the same transaction as the
    // change, and relearned from what remains once the pull is done. A sync killed before that
    // leaves a learning backlog, which the background learner works off, never the old statistics.
    // (Each time: the background learner may have learned between two batches; the stream times
    // are those from before the first reset.)
    let streamTimes: Map<string, number> | null = null;
    const reset = () => {
      const times = resetPredictions(world.db());
      streamTimes ??= times;
    };
    const cursors = store.cursors();
    const hubHeads = await heads(client, c.team);
    for (const [from, head] of hubHeads) {
      if (from === origin) continue;
      for (let after = cursors.get(from) ?? 0; after < head; ) {
        const ops = await pullOps(client, c.team, from, after, BATCH);
        if (!ops.length) break;
        const r = store.apply(from, ops, { model: embeddingModel(), onCommandsChanged: reset });
        pulled += r.applied;
        skipped += r.skipped;
        memories += r.memories;
        after = ops[ops.length - 1]!.seq;
        onProgress?.({ phase: 'pull', done: pulled + skipped });
      }
    }
    if (streamTimes) relearnAll(world.db(), { now: world.now(), streamTimes });
    if (memories) startEmbedWorker(world);
    store.setState('last_sync_at', String(world.now()));
    store.setState('last_error', null);
    return { url: redactUrl(c.url), team: c.team, pushed, pulled, skipped, origins: [...hubHeads.keys()].filter((o) => o !== origin).length, backfilled, ms: Date.now() - started };
  }

  async function syncOnce(client: Client | null, onProgress?: (p: SyncProgress) => void): Promise<SyncReport> {
    const c = needConfig();
    const store = new SyncStore(world.db());
    store.setState('last_attempt_at', String(world.now()));
    let own: Client | null = null;
    try {
      own = client ? null : await open(c.url);
      return await run(client ?? own!, c, onProgress);
    } catch (err) {
      const e = hubError(err, c.url);
      store.setState('last_error', e.message);
      throw e;
    } finally {
      await own?.end().catch(() => {});
    }
  }

  return {
    sync: (o = {}) => syncOnce(null, o.onProgress),

    async status(o = {}) {
      const c = cfg();
      const exists = world.storeExists();
      const store = exists ? new SyncStore(world.db()) : null;
      const num = (k: string) => {
        const v = store?.state(k);
        return v === undefined ? null : Number(v);
      };
      const iso = (n: number | null) => (n === null ? null : new Date(n).toISOString());
      const last = num('last_sync_at');
      const s: SyncStatus = {
        configured: Boolean(c.url && c.team),
        url: c.url ? redactUrl(c.url) : '',
        team: c.team,
        shell: c.shell,
        store_id: store?.origin ?? null,
        pending: store ? store.pendingCount() : 0,
        last_sync_at: iso(last),
        last_attempt_at: iso(num('last_attempt_at')),
        last_error: store?.state('last_error') ?? null,
        lag_s: last === null ? null : Math.max(0, Math.round((world.now() - last) / 1000)),
        hub: null,
      };
      if (o.offline || !s.configured) return s;
      let client: Client | null = null;
      try {
        client = await open(c.url);
        const h = await heads(client, c.team);
        const cur = store?.cursors() ?? new Map<string, number>();
        let behind = 0;
        for (const [origin, head] of h) if (origin !== s.store_id) behind += Math.max(0, head - (cur.get(origin) ?? 0));
        s.hub = { reachable: true, behind, origins: [...h.keys()].filter((o) => o !== s.store_id).length };
      } catch (err) {
        s.hub = { reachable: false, error: hubError(err, c.url).message };
      } finally {
        await client?.end().catch(() => {});
      }
      return s;
    },

    async watch({ signal, onSync, onError, pollMs = 2000 }) {
      const c = needConfig();
      const store = new SyncStore(world.db());
      let wake: (() => void) | null = null;
      let notified = true;
      signal.addEventListener('abort', () => wake?.());
      while (!signal.aborted) {
        let client: Client | null = null;
        try {
          client = await open(c.url);
          client.on('notification', () => {
            notified = true;
            wake?.();
          });
          // No channel (a hub before version 2): poll every pollMs instead.
          const channel = await teamChannel(client, c.team);
          if (channel) await client.query(`LISTEN "${channel}"`);
          const lost = new Promise<never>((_, reject) => client!.once('error', reject));
          lost.catch(() => {});
          for (;;) {
            if (signal.aborted) break;
            if (notified || !channel || store.pendingCount() > 0) {
              notified = false;
              onSync(await Promise.race([syncOnce(client), lost]));
            }
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, pollMs);
            });
          }
        } catch (err) {
          onError(hubError(err, c.url));
          notified = true;
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, Math.max(pollMs, 5000));
          });
        } finally {
          await client?.end().catch(() => {});
        }
      }
    },

    async teamInit(url) {
      if (!url) throw new UsageError('team init needs the hub URL');
      const client = await open(url);
      try {
        const r = await migrateHub(client);
        setConfigValue(world.env, 'sync.admin_url', redactUrl(url));
        return { url: redactUrl(url), from_version: r.from, version: r.to };
      } catch (err) {
        throw hubError(err, url);
      } finally {
        await client.end().catch(() => {});
      }
    },

    async addMember(team, o = {}) {
      checkTeam(team);
      const admin = o.hub ?? world.config.get<string>('sync.admin_url');
      if (!admin) throw new UsageError('no hub: run `mem team init URL` on this machine first, or give --hub ADMIN_URL');
      const secret = randomBytes(24).toString('base64url');
      const client = await open(admin);
      try {
        const r = await addMember(client, team, randomBytes(3).toString('hex'), secret);
        const u = new URL(redactUrl(admin));
        u.username = r.role;
        return { team, role: r.role, team_created: r.team_created, url: u.toString(), password: secret };
      } catch (err) {
        throw hubError(err, admin);
      } finally {
        await client.end().catch(() => {});
      }
    },

    async join(url, team) {
      checkTeam(team);
      let given: string | undefined;
      try {
        given = decodeURIComponent(new URL(url).password) || undefined;
      } catch {
        throw new UsageError(`not a PostgreSQL URL: ${redactUrl(url)}`);
      }
      const pw = world.env.PGPASSWORD ?? given;
      const client = await connect(url, pw ?? password());
      let role: string;
      try {
        if (!(await checkMember(client, team))) throw new MemError(`the hub role ${client.user ?? ''} is not a member of team '${team}' (ask for \`mem team add-member ${team}\`)`, 1, 'not_a_member');
        role = client.user ?? '';
      } catch (err) {
        throw hubError(err, url);
      } finally {
        await client.end().catch(() => {});
      }
      let file: string | null = null;
      if (pw !== undefined) {
        file = passwordFile();
        makeDirs(dirname(file));
        writeFileSync(file, pw + '\n', { mode: 0o600 });
        chmodSync(file, 0o600);
      }
      setConfigValue(world.env, 'sync.url', redactUrl(url));
      setConfigValue(world.env, 'sync.team', team);
      new SyncStore(world.db()).enable(world.config.get<boolean>('sync.shell'));
      return { url: redactUrl(url), team, role, password_file: file };
    },

    due: (lastSpawn = 0) => syncDue(world, lastSpawn),
  };
}
