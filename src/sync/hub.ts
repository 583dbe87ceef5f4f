// All the SQL that runs on the team hub (PostgreSQL). The hub is an append-only log of operations,
// one sequence per origin store, and a head per origin; row-level security gives each team's roles
// its own rows only. pg is imported here and only here, lazily: nothing else in mem pays for it.
import type { Client } from 'pg';
import { MemError, UsageError } from '../errors.js';
import { importPackage } from '../util/import.js';

/** Append-only, like the local migrations: never edit one that has shipped. */
const HUB_MIGRATIONS: readonly { version: number; why: string; sql: string }[] = [
  {
    version: 1,
    why: 'the operation log (one sequence per origin store, so pulls never skip a row committed out of order), heads per origin, teams, and row-level security per team',
    sql: `
CREATE SCHEMA IF NOT EXISTS mem_hub;
CREATE TABLE mem_hub.teams (
  team       text PRIMARY KEY,
  role       text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE mem_hub.ops (
  team      text NOT NULL,
  origin    text NOT NULL,
  seq       bigint NOT NULL,
  kind      text NOT NULL,
  key       text NOT NULL,
  op        text NOT NULL CHECK (op IN ('put', 'set', 'del')),
  hlc       text NOT NULL,
  body      json,                          -- as pushed (json keeps its text); NULL once a later version, a delete or a purge replaced it
  pushed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team, origin, seq)
);
CREATE INDEX ops_key ON mem_hub.ops (team, key);
CREATE TABLE mem_hub.heads (
  team   text NOT NULL,
  origin text NOT NULL,
  seq    bigint NOT NULL,
  at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team, origin)
);
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mem_member') THEN CREATE ROLE mem_member NOLOGIN; END IF;
END $$;
GRANT USAGE ON SCHEMA mem_hub TO mem_member;
GRANT SELECT ON mem_hub.teams, mem_hub.version TO mem_member;
GRANT SELECT, INSERT ON mem_hub.ops TO mem_member;
GRANT UPDATE (body) ON mem_hub.ops TO mem_member;
GRANT SELECT, INSERT, UPDATE ON mem_hub.heads TO mem_member;
ALTER TABLE mem_hub.ops ENABLE ROW LEVEL SECURITY;
ALTER TABLE mem_hub.heads ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_rows ON mem_hub.ops
  USING (team IN (SELECT t.team FROM mem_hub.teams t WHERE pg_has_role(current_user, t.role, 'MEMBER')))
  WITH CHECK (team IN (SELECT t.team FROM mem_hub.teams t WHERE pg_has_role(current_user, t.role, 'MEMBER')));
CREATE POLICY team_rows ON mem_hub.heads
  USING (team IN (SELECT t.team FROM mem_hub.teams t WHERE pg_has_role(current_user, t.role, 'MEMBER')))
  WITH CHECK (team IN (SELECT t.team FROM mem_hub.teams t WHERE pg_has_role(current_user, t.role, 'MEMBER')));
-- mem sync --watch listens on its team's channel; one notification per push.
CREATE FUNCTION mem_hub.notify_push() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT DISTINCT team, origin FROM new_ops LOOP
    PERFORM pg_notify('mem_hub_' || r.team, r.origin);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER ops_notify AFTER INSERT ON mem_hub.ops REFERENCING NEW TABLE AS new_ops FOR EACH STATEMENT EXECUTE FUNCTION mem_hub.notify_push();
`,
  },
  {
    version: 2,
    why: "any role may LISTEN on any channel, so a channel named after the team told other teams when it pushed: each team's channel is now a random token that row-level security lets only that team's roles read",
    sql: `
CREATE TABLE mem_hub.channels (
  team  text PRIMARY KEY REFERENCES mem_hub.teams (team),
  token text NOT NULL UNIQUE               -- 32 hex digits from the server's strong random source
);
INSERT INTO mem_hub.channels (team, token) SELECT team, replace(gen_random_uuid()::text, '-', '') FROM mem_hub.teams;
GRANT SELECT ON mem_hub.channels TO mem_member;
ALTER TABLE mem_hub.channels ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_rows ON mem_hub.channels
  USING (team IN (SELECT t.team FROM mem_hub.teams t WHERE pg_has_role(current_user, t.role, 'MEMBER')));
-- Runs as the pushing member: it reads its own team's token only; no token, no notification.
CREATE OR REPLACE FUNCTION mem_hub.notify_push() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT DISTINCT n.team, n.origin, c.token FROM new_ops n JOIN mem_hub.channels c ON c.team = n.team LOOP
    PERFORM pg_notify('mem_hub_' || r.token, r.origin);
  END LOOP;
  RETURN NULL;
END $$;
`,
  },
];

export const HUB_VERSION = HUB_MIGRATIONS[HUB_MIGRATIONS.length - 1]!.version;

export interface HubOp {
  origin: string;
  seq: number;
  kind: string;
  key: string;
  op: 'put' | 'set' | 'del';
  hlc: string;
  body: unknown;
}

const TEAM = /^[a-z][a-z0-9_]{0,30}$/;
export function checkTeam(team: string, field = 'team'): string {
  if (!TEAM.test(team)) throw new UsageError(`${field} must be a lower-case name of letters, digits and '_' (at most 31, starting with a letter), got '${team}'`);
  return team;
}

/** What a connection failure means to a user, in one line. */
export function hubError(err: unknown, url: string): MemError {
  if (err instanceof MemError) return err;
  const e = err as { code?: string; message?: string };
  const msg = (e.message ?? String(err)).split('\n')[0];
  if (e.code === '28P01' || e.code === '28000') return new MemError(`hub ${redactUrl(url)}: authentication failed (${msg}); check the password (PGPASSWORD, ~/.pgpass or sync.password_file)`, 1, 'hub_auth');
  if (e.code === '42501') return new MemError(`hub ${redactUrl(url)}: permission denied (${msg})`, 1, 'hub_denied');
  if (e.code === '3D000') return new MemError(`hub ${redactUrl(url)}: ${msg}`, 1, 'hub_unreachable');
  return new MemError(`hub unreachable: ${redactUrl(url)} (${msg}); local commands keep working, \`mem sync\` catches up later`, 1, 'hub_unreachable');
}

/** The URL without any password, for messages and config. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, '@');
  }
}

export async function connect(url: string, password: string | undefined): Promise<Client> {
  if (!/^postgres(ql)?:\/\/[^/\s]*\/?/.test(url)) throw new UsageError(`not a PostgreSQL URL: '${redactUrl(url)}' (expected postgresql://USER@HOST:PORT/DATABASE)`);
  const { default: pg } = await importPackage<typeof import('pg')>('pg');
  let client: Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 120_000, application_name: 'mem' });
  } catch (err) {
    throw new UsageError(`not a PostgreSQL URL: ${redactUrl(url)} (${(err as Error).message})`);
  }
  // Set after construction: a connection string without a password would otherwise override it.
  if (password !== undefined) (client as unknown as { password: string }).password = password;
  client.on('error', () => {}); // a dropped connection surfaces on the next query
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw hubError(err, url);
  }
  return client;
}

/** Creates or migrates the hub schema (admin). Returns the versions applied. */
export async function migrateHub(c: Client): Promise<{ from: number; to: number }> {
  await c.query('BEGIN');
  try {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('mem_hub_migrate'))");
    await c.query('CREATE SCHEMA IF NOT EXISTS mem_hub');
    await c.query('CREATE TABLE IF NOT EXISTS mem_hub.version (version int PRIMARY KEY, why text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const from = Number((await c.query<{ v: number | null }>('SELECT max(version) AS v FROM mem_hub.version')).rows[0]?.v ?? 0);
    if (from > HUB_VERSION) throw new MemError(`the hub's schema is version ${from}, newer than this mem knows (${HUB_VERSION}): upgrade mem`, 1, 'hub_newer');
    for (const m of HUB_MIGRATIONS) {
      if (m.version <= from) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO mem_hub.version (version, why) VALUES ($1, $2)', [m.version, m.why]);
    }
    await c.query('COMMIT');
    return { from, to: HUB_VERSION };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** The hub's schema version, or 0 when `mem team init` never ran there. */
export async function hubVersion(c: Client): Promise<number> {
  const r = await c.query<{ v: number | null }>("SELECT CASE WHEN to_regclass('mem_hub.version') IS NULL THEN 0 END AS v");
  if (r.rows[0]?.v === 0) return 0;
  return Number((await c.query<{ v: number | null }>('SELECT max(version) AS v FROM mem_hub.version')).rows[0]?.v ?? 0);
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Creates the team (its group role) if new, and a login role for one member. Admin. */
export async function addMember(c: Client, team: string, suffix: string, password: string): Promise<{ role: string; team_created: boolean }> {
  checkTeam(team);
  const group = `mem_team_${team}`;
  const role = `mem_${team}_${suffix}`;
  await c.query('BEGIN');
  try {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('mem_hub_roles'))");
    const exists = (await c.query('SELECT 1 FROM mem_hub.teams WHERE team = $1', [team])).rowCount! > 0;
    if (!exists) {
      if ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [group])).rowCount === 0) await c.query(`CREATE ROLE ${ident(group)} NOLOGIN IN ROLE mem_member`);
      await c.query('INSERT INTO mem_hub.teams (team, role) VALUES ($1, $2)', [team, group]);
      await c.query("INSERT INTO mem_hub.channels (team, token) VALUES ($1, replace(gen_random_uuid()::text, '-', ''))", [team]);
    }
    const quoted = (await c.query<{ q: string }>('SELECT quote_literal($1) AS q', [password])).rows[0]!.q;
    await c.query(`CREATE ROLE ${ident(role)} LOGIN PASSWORD ${quoted} IN ROLE ${ident(group)}`);
    await c.query(`GRANT CONNECT ON DATABASE ${ident(c.database ?? 'postgres')} TO ${ident(role)}`);
    await c.query('COMMIT');
    return { role, team_created: !exists };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Can this role read and write the team's rows? (`mem team join` checks before saving anything.) */
export async function checkMember(c: Client, team: string): Promise<boolean> {
  if ((await hubVersion(c)) === 0) throw new MemError('the hub has no mem schema: run `mem team init URL` there first (as its administrator)', 1, 'hub_not_initialised');
  const r = await c.query<{ ok: boolean }>("SELECT EXISTS (SELECT 1 FROM mem_hub.teams t WHERE t.team = $1 AND pg_has_role(current_user, t.role, 'MEMBER')) AS ok", [team]);
  return r.rows[0]!.ok;
}

/**
 * Appends this store's operations (seq in order) and moves its head, in one transaction: a push
 * cut short leaves nothing, and pushing the same seqs again adds nothing (ON CONFLICT). A later
 * version, a delete or a purge blanks the bodies it supersedes, so what was removed locally is
 * not kept on the hub either.
 */
export async function pushOps(c: Client, team: string, origin: string, ops: readonly HubOp[]): Promise<void> {
  if (!ops.length) return;
  // One JSON parameter: pg escapes array parameters element by element, JSON.stringify is native.
  const rows = JSON.stringify(ops.map((o) => ({ s: o.seq, k: o.kind, y: o.key, o: o.op, h: o.hlc, b: o.body })));
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${team}/${origin}`]);
    const added = await c.query(
      `INSERT INTO mem_hub.ops (team, origin, seq, kind, key, op, hlc, body)
       SELECT $1, $2, s, k, y, o, h, CASE WHEN json_typeof(b) = 'null' THEN NULL ELSE b END FROM json_to_recordset($3::json) AS u(s bigint, k text, y text, o text, h text, b json)
       ON CONFLICT DO NOTHING`,
      [team, origin, rows],
    );
    if (added.rowCount !== ops.length) {
      // Already there: the same operations again (a push cut short after the hub committed), or
      // different ones under the same numbers (this store was restored from a backup, or copied).
      const have = await c.query<{ seq: string; kind: string; key: string; hlc: string }>(
        'SELECT seq, kind, key, hlc FROM mem_hub.ops WHERE team = $1 AND origin = $2 AND seq BETWEEN $3 AND $4',
        [team, origin, ops[0]!.seq, ops[ops.length - 1]!.seq],
      );
      const mine = new Map(ops.map((o) => [o.seq, o]));
      for (const h of have.rows) {
        const o = mine.get(Number(h.seq));
        if (o && (o.kind !== h.kind || o.hlc !== h.hlc)) throw new MemError('this store forked (restored from a backup, or copied): its changes go to the hub again under a new origin', 1, 'store_forked');
      }
    }
    const sup = ops.filter((o) => o.op !== 'put');
    if (sup.length) {
      await c.query(
        `UPDATE mem_hub.ops o SET body = NULL
         FROM json_to_recordset($3::json) AS n(kind text, key text, op text, hlc text)
         WHERE o.team = $1 AND o.key = n.key AND o.body IS NOT NULL
           AND NOT (o.kind = 'audit' AND o.body->>'action' = 'purge')
           AND (n.op = 'del' OR (o.kind = n.kind AND (o.hlc, o.origin) < (n.hlc, $2)))`,
        [team, origin, JSON.stringify(sup.map((o) => ({ kind: o.kind, key: o.key, op: o.op, hlc: o.hlc })))],
      );
    }
    // A version pushed after a delete of its record (an edit racing a purge) keeps no body either.
    await c.query(
      `UPDATE mem_hub.ops o SET body = NULL
       WHERE o.team = $1 AND o.origin = $2 AND o.seq BETWEEN $3 AND $4 AND o.body IS NOT NULL AND o.op <> 'del'
         AND NOT (o.kind = 'audit' AND o.body->>'action' = 'purge')
         AND EXISTS (SELECT 1 FROM mem_hub.ops d WHERE d.team = o.team AND d.key = o.key AND d.op = 'del' AND d.kind <> 'fix')`,
      [team, origin, ops[0]!.seq, ops[ops.length - 1]!.seq],
    );
    await c.query(
      `INSERT INTO mem_hub.heads (team, origin, seq) VALUES ($1, $2, $3)
       ON CONFLICT (team, origin) DO UPDATE SET seq = GREATEST(heads.seq, excluded.seq), at = now()`,
      [team, origin, ops[ops.length - 1]!.seq],
    );
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * The team's notification channel: named by a token only its roles can read (any role may LISTEN
 * on any name). null on a hub not migrated to version 2 yet: followers poll.
 */
export async function teamChannel(c: Client, team: string): Promise<string | null> {
  if ((await hubVersion(c)) < 2) return null;
  const r = await c.query<{ token: string }>('SELECT token FROM mem_hub.channels WHERE team = $1', [team]);
  return r.rows[0] ? `mem_hub_${r.rows[0].token}` : null;
}

/** The last seq of every origin in the team. */
export async function heads(c: Client, team: string): Promise<Map<string, number>> {
  const r = await c.query<{ origin: string; seq: string }>('SELECT origin, seq FROM mem_hub.heads WHERE team = $1', [team]);
  return new Map(r.rows.map((x) => [x.origin, Number(x.seq)]));
}

/** One origin's operations after a seq, in order. */
export async function pullOps(c: Client, team: string, origin: string, after: number, limit: number): Promise<HubOp[]> {
  const r = await c.query<{ seq: string; kind: string; key: string; op: HubOp['op']; hlc: string; body: unknown }>(
    'SELECT seq, kind, key, op, hlc, body FROM mem_hub.ops WHERE team = $1 AND origin = $2 AND seq > $3 ORDER BY seq LIMIT $4',
    [team, origin, after, limit],
  );
  return r.rows.map((x) => ({ origin, seq: Number(x.seq), kind: x.kind, key: x.key, op: x.op, hlc: x.hlc, body: x.body }));
}
