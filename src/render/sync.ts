// Team sync reports for people.
import type { SyncReport, SyncStatus } from '../sync/api.js';

const n = (x: number, one: string, many = `${one}s`) => `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;

export function renderSyncReport(r: SyncReport): string {
  const parts = [`pushed ${n(r.pushed, 'change')}`, `pulled ${n(r.pulled, 'change')} from ${n(r.origins, 'other store')}`];
  if (r.skipped) parts.push(`${r.skipped} superseded or unreadable skipped`);
  return `${parts.join(', ')} (team ${r.team}, ${(r.ms / 1000).toFixed(1)} s)`;
}

function ago(s: number): string {
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function renderSyncStatus(s: SyncStatus): string {
  if (!s.configured) return 'sync is not set up: `PGPASSWORD=... mem team join URL --team TEAM`';
  const lines = [
    `hub:        ${s.url} (team ${s.team}${s.shell ? ', shell history shared' : ''})`,
    `last sync:  ${s.last_sync_at ? `${s.last_sync_at} (${ago(s.lag_s ?? 0)})` : 'never'}`,
    `to push:    ${n(s.pending, 'change')}`,
  ];
  if (s.hub?.reachable) lines.push(`to pull:    ${n(s.hub.behind ?? 0, 'change')} from ${n(s.hub.origins ?? 0, 'other store')}`);
  else if (s.hub) lines.push(`hub now:    unreachable (${s.hub.error})`);
  if (s.last_error) lines.push(`last error: ${s.last_error}`);
  return lines.join('\n');
}
