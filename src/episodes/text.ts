// How an episode reads as text: the error an event reports, and the summary its experience memory
// holds. Pure functions, shared by the episode store and the failure analysis.
import { MEMORY_LIMITS } from '../memory/model.js';

export type Json = Record<string, unknown>;

export interface EpisodeEvent {
  id: number;
  at: string;
  type: string;
  role: string | null;
  data: Json;
}

export interface Episode {
  id: string;
  task: string;
  context: Json;
  scope: string;
  started_at: string;
  ended_at: string | null;
  success: boolean | null;
  metrics: Json;
  events: EpisodeEvent[];
}

/** The error an event reports, if any: `data.error` (string or object), or the data of an `*error*` event. */
export function eventError(type: string, data: Json): string | null {
  const e = data.error;
  if (typeof e === 'string' && e.trim()) return e.trim();
  if (e && typeof e === 'object') return typeof (e as Json).message === 'string' ? String((e as Json).message) : JSON.stringify(e);
  if (e !== undefined && e !== null && e !== false && e !== '') return JSON.stringify(e);
  if (!/error/i.test(type)) return null;
  const m = data.message ?? data.msg ?? data.detail;
  return typeof m === 'string' && m.trim() ? m.trim() : Object.keys(data).length ? JSON.stringify(data) : type;
}

const MAX_STEPS = 40;

/**
 * What the experience memory says: the task, the outcome, the steps (repeats collapsed, long runs
 * cut in the middle), the errors met and the metrics. The episode id at the end keeps two
 * identical episodes from being merged as duplicate memories.
 */
export function experienceText(e: Episode): string {
  const runs: { label: string; n: number }[] = [];
  for (const ev of e.events) {
    const err = eventError(ev.type, ev.data);
    const label = err ? `${ev.type} (error: ${oneLine(err, 120)})` : ev.type;
    const last = runs[runs.length - 1];
    if (last?.label === label) last.n++;
    else runs.push({ label, n: 1 });
  }
  const steps = runs.map((r) => (r.n > 1 ? `${r.label} ×${r.n}` : r.label));
  const shown = steps.length > MAX_STEPS ? [...steps.slice(0, 15), `… ${steps.length - 35} more steps …`, ...steps.slice(-20)] : steps;
  const errors = [...new Set(e.events.map((ev) => eventError(ev.type, ev.data)).filter((x): x is string => x !== null).map((x) => oneLine(x, 200)))].slice(0, 5);
  const lines = [
    e.task,
    `Outcome: ${e.success ? 'success' : 'failure'} after ${e.events.length} event${e.events.length === 1 ? '' : 's'}`,
    shown.length ? `Steps: ${shown.join(' → ')}` : 'Steps: none recorded',
    ...(errors.length ? [`Errors: ${errors.join('; ')}`] : []),
    ...(Object.keys(e.metrics).length ? [`Metrics: ${oneLine(JSON.stringify(e.metrics), 500)}`] : []),
    `Episode ${e.id}`,
  ];
  return lines.join('\n').slice(0, MEMORY_LIMITS.content);
}

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
};
