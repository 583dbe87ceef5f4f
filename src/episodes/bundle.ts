// The episode part of the export bundle: episodes and their events, keyed by episode id.
import { check, mapRows, type BundlePart } from '../core/bundle-part.js';
import { redactDeep } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { EpisodeStore } from './store.js';

export interface EpisodesPart {
  episodes: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

const parsed = (r: Record<string, unknown>, cols: string[]) => {
  for (const c of cols) if (typeof r[c] === 'string') r[c] = JSON.parse(r[c]);
  return r;
};

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
  parse: (list) => ({
    episodes: list('episodes').map((e, i) =>
      isObj(e) && check.str(e.id) && typeof e.task === 'string' && check.num(e.started_at) ? redactDeep(e).value : check.bad('episodes', i, 'must have id, task and started_at'),
    ),
    events: list('episode_events').map((e, i) =>
      isObj(e) && check.str(e.episode_id) && check.num(e.at) && check.str(e.type) ? redactDeep(e).value : check.bad('episode_events', i, 'must have episode_id, at and type'),
    ),
  }),
  count: (p) => ({ episodes: p.episodes.length }),
  merge: (db, p) => ({ episodes: new EpisodeStore(db).importRows(p.episodes, p.events) }),
};
