// How a history is cut into contexts: the key of "the two previous lines", and where a session
// starts. Shared by the stats (when counting) and the features (when looking up), so both sides
// of a SQL store agree on them too.
import type { CommandEvent } from './types.js';

/** A gap this long between two commands starts a new session (idle, new terminal, next day). */
export const SESSION_GAP_MS = 30 * 60_000;

/** Joins two previous items (lines or names, older first) into a second-order key. */
export function pairKey(prev2: string, prev1: string): string {
  return `${prev2}\x1f${prev1}`;
}

/** True when `event` opens a new session after `prev` (no previous command, other session, long gap). */
export function startsSession(prev: CommandEvent | undefined, event: CommandEvent): boolean {
  if (!prev) return true;
  if (prev.session != null && event.session != null && prev.session !== event.session) return true;
  return prev.ts != null && event.ts != null && event.ts - prev.ts > SESSION_GAP_MS;
}
