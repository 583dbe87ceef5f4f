// Bundle sections beyond fix attempts: shell commands, memories (without vectors: an import
// queues them to be embedded again), learned patterns, and episodes with their events. Each is
// keyed by a stable id, so importing a bundle twice adds nothing.
import type { Db } from '../db/open.js';
import { InputError } from '../errors.js';
import { memoryFromObject } from '../memory/input.js';
import { contentHash } from '../memory/input.js';
import { redactString } from '../redact/index.js';
import { ShellStore, type CommandRecord } from '../shell/store.js';
import { isObj } from '../util/json.js';

type Obj = Record<string, unknown>;
const bad = (section: string, i: number, why: string): never => {
  throw new InputError(why, undefined, `${section}[${i}]`);
};
const str = (v: unknown) => typeof v === 'string' && v.length > 0;
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const optNum = (v: unknown) => v === null || v === undefined || num(v);

/** Sections written after the fix-attempt ones, as [name, rows]. */
export function exportSections(db: Db): [string, Iterable<unknown>][] {
  const json = (cols: string[]) => (r: Obj) => {
    for (const c of cols) if (typeof r[c] === 'string') r[c] = JSON.parse(r[c] as string);
    return r;
  };
  const map = <T>(it: Iterable<unknown>, f: (r: Obj) => T) => (function* () {
    for (const r of it) yield f(r as Obj);
  })();
  return [
    ['commands', map(db.prepare('SELECT uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source FROM commands ORDER BY id').iterate(), (r) => r)],
    [
      'memories',
      map(
        db.prepare(
          'SELECT id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, accessed_at, deleted_at, reused_count FROM memories ORDER BY n',
        ).iterate(),
        (r) => ({ ...json(['tags', 'metadata'])(r), success: r.success === null ? null : r.success === 1 }),
      ),
    ],
    ['memory_audit', map(db.prepare('SELECT memory_id, at, action, changes FROM memory_audit ORDER BY id').iterate(), json(['changes']))],
    ['learned_patterns', map(db.prepare('SELECT * FROM learned_patterns ORDER BY n').iterate(), (r) => {
      const { n: _n, ...rest } = json(['success_indicators', 'failure_indicators', 'recommended_context'])(r);
      return rest;
    })],
    ['episodes', map(db.prepare('SELECT * FROM episodes ORDER BY n').iterate(), (r) => {
      const { n: _n, ...rest } = json(['context', 'metrics'])(r);
      return rest;
    })],
    ['episode_events', map(db.prepare('SELECT episode_id, at, type, role, data FROM episode_events ORDER BY id').iterate(), json(['data']))],
  ];
}

export interface ParsedSections {
  commands: CommandRecord[];
  memories: Obj[];
  memory_audit: Obj[];
  learned_patterns: Obj[];
  episodes: Obj[];
  episode_events: Obj[];
}

/** Validates every entry before anything is written. */
export function parseSections(list: (name: string) => unknown[]): ParsedSections {
  const commands = list('commands').map((c, i) => {
    if (!isObj(c) || !str(c.uid) || typeof c.command !== 'string' || !num(c.ts) || !optNum(c.exit_code) || !optNum(c.duration_ms)) bad('commands', i, 'must be a command with uid, command and ts');
    const o = c as Obj;
    return { ...(o as unknown as CommandRecord), command: redactString(o.command as string), source: str(o.source) ? (o.source as string) : 'import' };
  });
  const memories = list('memories').map((m, i) => {
    if (!isObj(m) || !str(m.id) || !num(m.created_at) || !num(m.updated_at) || !str(m.scope)) bad('memories', i, 'must be a memory with id, scope, created_at and updated_at');
    try {
      return { ...(m as Obj), ...memoryFromObject(m) };
    } catch (err) {
      if (err instanceof InputError) bad('memories', i, err.message);
      throw err;
    }
  });
  const audit = list('memory_audit').map((a, i) => (isObj(a) && str(a.memory_id) && num(a.at) && str(a.action) ? a : bad('memory_audit', i, 'must have memory_id, at and action')));
  const patterns = list('learned_patterns').map((p, i) =>
    isObj(p) && str(p.id) && str(p.type) && typeof p.match === 'string' && num(p.confidence) ? p : bad('learned_patterns', i, 'must have id, type, match and confidence'),
  );
  const episodes = list('episodes').map((e, i) => (isObj(e) && str(e.id) && typeof e.task === 'string' && num(e.started_at) ? e : bad('episodes', i, 'must have id, task and started_at')));
  const events = list('episode_events').map((e, i) => (isObj(e) && str(e.episode_id) && num(e.at) && str(e.type) ? e : bad('episode_events', i, 'must have episode_id, at and type')));
  return { commands, memories, memory_audit: audit, learned_patterns: patterns, episodes, episode_events: events };
}

export interface SectionsReport {
  commands: number;
  memories: number;
  learned_patterns: number;
  episodes: number;
}

/** Merges the sections; caller holds the transaction. Returns how many of each were new. */
export function importSections(db: Db, s: ParsedSections): SectionsReport {
  const commands = new ShellStore(db).insert(s.commands).length;
  let memories = 0;
  const insMem = db.prepare(
    `INSERT INTO memories (id, kind, content, title, tags, metadata, source, source_id, scope, success, task_id, language, created_at, updated_at, accessed_at, deleted_at, reused_count, content_hash)
     VALUES (@id, @kind, @content, @title, @tags, @metadata, @source, @source_id, @scope, @success, @task_id, @language, @created_at, @updated_at, @accessed_at, @deleted_at, @reused_count, @hash)
     ON CONFLICT (id) DO NOTHING`,
  );
  const tag = db.prepare('INSERT OR IGNORE INTO memory_tags (tag, n) SELECT ?, n FROM memories WHERE id = ?');
  const newIds = new Set<string>();
  for (const m of s.memories) {
    const r = insMem.run({
      ...m,
      tags: JSON.stringify(m.tags),
      metadata: JSON.stringify(m.metadata),
      success: m.success === null || m.success === undefined ? null : m.success ? 1 : 0,
      accessed_at: m.accessed_at ?? null,
      deleted_at: m.deleted_at ?? null,
      reused_count: num(m.reused_count) ? m.reused_count : 0,
      hash: contentHash(m.content as string),
    });
    if (!r.changes) continue;
    memories++;
    newIds.add(m.id as string);
    for (const t of m.tags as string[]) tag.run(t, m.id);
  }
  const audit = db.prepare('INSERT INTO memory_audit (memory_id, at, action, changes) VALUES (?, ?, ?, ?)');
  for (const a of s.memory_audit) if (newIds.has(a.memory_id as string)) audit.run(a.memory_id, a.at, a.action, JSON.stringify(a.changes ?? {}));
  for (const id of newIds) audit.run(id, Date.now(), 'import', '{}');
  let patterns = 0;
  for (const p of s.learned_patterns) {
    const cols = Object.keys(p).filter((k) => /^[a-z_]+$/.test(k));
    const vals = cols.map((k) => (Array.isArray(p[k]) || isObj(p[k]) ? JSON.stringify(p[k]) : p[k]));
    patterns += db.prepare(`INSERT INTO learned_patterns (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`).run(...vals).changes;
  }
  let episodes = 0;
  const newEpisodes = new Set<string>();
  const insEp = db.prepare(
    'INSERT INTO episodes (id, task, context, scope, started_at, ended_at, success, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  for (const e of s.episodes) {
    const r = insEp.run(e.id, e.task, JSON.stringify(e.context ?? {}), e.scope ?? 'default', e.started_at, e.ended_at ?? null, e.success ?? null, JSON.stringify(e.metrics ?? {}));
    if (r.changes) (episodes++, newEpisodes.add(e.id as string));
  }
  const insEv = db.prepare('INSERT INTO episode_events (episode_id, at, type, role, data) VALUES (?, ?, ?, ?, ?)');
  for (const e of s.episode_events) if (newEpisodes.has(e.episode_id as string)) insEv.run(e.episode_id, e.at, e.type, e.role ?? null, JSON.stringify(e.data ?? {}));
  return { commands, memories, learned_patterns: patterns, episodes };
}
