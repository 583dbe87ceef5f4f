// Time parsing shared by commands: durations like `30d`, and instants given as ISO text or epoch.
import { UsageError } from '../errors.js';
import { shown } from './json.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `30d`, `12h`, `2w`, `90m`, `45s`, or a bare number of days. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$/i.exec(text);
  if (!m) throw new UsageError(`invalid ${what} '${text}' (expected e.g. 30d, 12h, 2w or a number of days)`);
  const unit = (m[2] || 'd').toLowerCase();
  return Number(m[1]) * UNIT_MS[unit]!;
}

/** An instant as ISO 8601 text, epoch seconds or epoch milliseconds; returns epoch ms. */
export function parseInstant(value: unknown, what = 'timestamp'): number {
  // Within what a Date holds (±100,000,000 days): beyond, every date shown would fail.
  if (typeof value === 'number' && Number.isFinite(value)) {
    const ms = value < 1e11 ? value * 1000 : value;
    if (Math.abs(ms) <= 8.64e15) return ms;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const s = value.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return parseInstant(Number(s), what);
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  const text = typeof value === 'string' ? value.slice(0, 40) : shown(value);
  throw new UsageError(`invalid ${what} '${text}' (expected ISO 8601 or epoch seconds)`);
}

/**
 * A point in time given as an instant (ISO 8601, epoch seconds or milliseconds), as a duration ago
 * (`7d` = seven days before now), or as `today` / `yesterday` (their local midnight) or `now`.
 */
export function parseSince(text: string, now: number): number {
  const word = text.trim().toLowerCase();
  if (word === 'now') return now;
  if (word === 'today' || word === 'yesterday') {
    const d = new Date(now);
    d.setHours(0, 0, 0, 0);
    if (word === 'yesterday') d.setDate(d.getDate() - 1);
    return d.getTime();
  }
  if (/^\s*\d+(\.\d+)?\s*[smhdw]\s*$/i.test(text)) return now - parseDuration(text);
  try {
    return parseInstant(text, 'time');
  } catch {
    throw new UsageError(`invalid time '${text.slice(0, 40)}' (expected e.g. 2h, 7d, yesterday, 2024-05-01, ISO 8601 or epoch seconds)`);
  }
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** How long ago, in the largest whole unit: `12s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}
