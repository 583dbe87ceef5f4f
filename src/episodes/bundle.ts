// The episode part of the export bundle: episodes and their events, keyed by episode id.
import { check, mapRows, type BundlePart } from '../core/bundle-part.js';
import { redactDeep } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { EPISODE_LIMITS, EpisodeStore } from './store.js';

export interface EpisodesPart {
  episodes: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

const parsed = (r: Record<string, unknown>, cols: string[]) => {
  for (const c of cols) if (typeof r[c] === 'string') r[c] = JSON.parse(r[c]);
  return r;
};

const jsonObject = (v: unknown) => v === undefined || v === null || (isObj(v) && JSON.stringify(v).length <= EPISODE_LIMITS.json);
const name = (v: unknown) => typeof v === 'string' && v.trim() !== '' && v.length <= EPISODE_LIMITS.name && !/[\x00-\x1f\x7f]/.test(v);

/** An episode as `mem episode start/end` would have stored it, each column checked. */
function validateEpisode(e: unknown, i: number): Record<string, unknown> {
  const bad = (field: string, why: string) => check.bad('episodes', i, `${field} ${why}`);
  if (!isObj(e)) return bad('(entry)', 'must be an object');
  if (!check.str(e.id)) return bad('id', 'must be a non-empty string');
  if (typeof e.task !== 'string' || !e.task.trim() || e.task.length > EPISODE_LIMITS.task) return bad('task', `must be a non-empty string of up to ${EPISODE_LIMITS.task} characters`);
  if (!check.optStr(e.scope) || e.scope === '') return bad('scope', 'must be a non-empty string');
  if (!check.time(e.started_at)) return bad('started_at', 'must be a time in epoch milliseconds');
  if (!check.optTime(e.ended_at)) return bad('ended_at', 'must be a time in epoch milliseconds or null');
  if (![undefined, null, true, false, 0, 1].includes(e.success as never)) return bad('success', 'must be true, false or null');
  for (const k of ['context', 'metrics']) if (!jsonObject(e[k])) return bad(k, `must be a JSON object of up to ${EPISODE_LIMITS.json} characters`);
  const row = {
    id: e.id,
    task: e.task,
    context: e.context ?? {},
    scope: e.scope ?? 'default',
    started_at: e.started_at,
    ended_at: e.ended_at ?? null,
    success: e.success === undefined || e.success === null ? null : e.success === true || e.success === 1 ? 1 : 0,
    metrics: e.metrics ?? {},
  };
  return redactDeep(row).value;
}

function validateEvent(e: unknown, i: number): Record<string, unknown> {
  const bad = (field: string, why: string) => check.bad('episode_events', i, `${field} ${why}`);
  if (!isObj(e)) return bad('(entry)', 'must be an object');
  if (!check.str(e.episode_id)) return bad('episode_id', 'must be a non-empty string');
  if (!check.time(e.at)) return bad('at', 'must be a time in epoch milliseconds');
  if (!name(e.type)) return bad('type', `must be a name of up to ${EPISODE_LIMITS.name} characters`);
  if (e.role !== undefined && e.role !== null && !name(e.role)) return bad('role', `must be a name of up to ${EPISODE_LIMITS.name} characters, or null`);
  if (!jsonObject(e.data)) return bad('data', `must be a JSON object of up to ${EPISODE_LIMITS.json} characters`);
  return redactDeep({ episode_id: e.episode_id, at: e.at, type: e.type, role: e.role ?? null, data: e.data ?? {} }).value;
}

export const episodesBundle: BundlePart<EpisodesPart> = {
  exportSections(db) {
    const rows = new EpisodeStore(db).exportRows();
    return [
      ['episodes', mapRows(rows.episodes, (r) => {
        const { n: _n, ...rest } = parsed(r, ['context', 'metrics']);
        return rest;
      })],
      ['episode_events', mapRows(rows.events, (r) => parsed(r, ['data']))],
    ];
  },
  parse: (list) => ({ episodes: list('episodes').map(validateEpisode), events: list('episode_events').map(validateEvent) }),
  count: (p) => ({ episodes: p.episodes.length }),
  merge: (db, p) => ({ episodes: new EpisodeStore(db).importRows(p.episodes, p.events) }),
};
