// Renderers for episodes: one episode with its events, similar past episodes, and the failure
// analysis. Stored text goes through `safe`/`truncate` so it can never drive the terminal.
import type { FactStat, FailureAnalysis } from '../episodes/analysis.js';
import type { Episode } from '../episodes/store.js';
import { pct, safe, table, truncate, type Style } from './style.js';

export interface SimilarEpisode {
  episode_id: string;
  task: string;
  scope: string;
  success: boolean | null;
  similarity: number;
  keyword_score: number;
  semantic_score: number;
  events: number;
  started_at: string;
  ended_at: string | null;
  memory_id: string;
}

const outcome = (s: Style, success: boolean | null) => (success === null ? s.yellow('open') : success ? s.green('success') : s.red('failure'));

export function renderEpisode(s: Style, e: Episode): string {
  const head = [
    `${s.bold(safe(e.task))}  ${outcome(s, e.success)}`,
    s.dim(`id ${e.id}  scope ${safe(e.scope)}  started ${e.started_at}${e.ended_at ? `  ended ${e.ended_at}` : ''}`),
  ];
  if (Object.keys(e.context).length) head.push(`context: ${safe(JSON.stringify(e.context))}`);
  if (Object.keys(e.metrics).length) head.push(`metrics: ${safe(JSON.stringify(e.metrics))}`);
  if (!e.events.length) return [...head, '', s.dim('no events')].join('\n');
  const rows = e.events.map((v, i) => [String(i + 1), v.at.slice(11, 23), truncate(v.type, 30), truncate(v.role ?? '', 16), truncate(Object.keys(v.data).length ? JSON.stringify(v.data) : '', 70)]);
  return [...head, '', table(s, ['#', 'at', 'type', 'role', 'data'], rows)].join('\n');
}

export function renderSimilar(s: Style, results: SimilarEpisode[]): string {
  if (!results.length) return s.dim('no similar episodes');
  return results
    .map((r, i) => `${s.bold(`${i + 1}.`)} ${s.cyan(r.similarity.toFixed(3))} ${outcome(s, r.success)} ${s.bold(truncate(r.task, 80))} ${s.dim(`${r.episode_id.slice(0, 8)}  ${r.events} events  ${r.started_at.slice(0, 10)}`)}`)
    .join('\n');
}

const shares = (s: Style, x: FactStat, nS: number) => [`${x.failed_episodes} (${pct(x.failed_share)})`, nS ? `${x.succeeded_episodes} (${pct(x.succeeded_share)})` : s.dim('—')];

export function renderFailures(s: Style, a: FailureAnalysis): string {
  const where = a.scope === null ? 'all scopes' : `scope ${safe(a.scope)}`;
  if (!a.failed) return s.dim(`no failed episodes in ${where} (${a.succeeded} successful)`);
  const out = [s.bold(`${a.failed} failed and ${a.succeeded} successful episodes in ${where}`)];
  const head = ['in failed', 'in successful'];
  out.push('', s.bold('Most frequent event types in failed episodes'));
  out.push(table(s, ['type', 'events', ...head], a.event_types.map((t) => [truncate(t.type, 30), t.occurrences, ...shares(s, t, a.succeeded)]), ['left', 'right', 'right', 'right']));
  out.push('', s.bold('Most frequent errors in failed episodes'));
  out.push(
    a.errors.length
      ? table(s, ['type', 'error', 'events', ...head], a.errors.map((t) => [truncate(t.type, 24), truncate(t.error, 60), t.occurrences, ...shares(s, t, a.succeeded)]), ['left', 'left', 'right', 'right', 'right'])
      : s.dim('no error events recorded'),
  );
  out.push('', s.bold('Last step before the end'));
  out.push(table(s, ['type', ...head], a.final_steps.map((t) => [truncate(t.type, 30), ...shares(s, t, a.succeeded)]), ['left', 'right', 'right']));
  return out.join('\n');
}
