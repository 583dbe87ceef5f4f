// How a history is cut into contexts: the key of "the two previous lines", and where a session
// starts. Shared by the stats (when counting) and the features (when looking up), so both sides
// of a SQL store agree on them too.
import { abstractArgs } from './args.js';
import type { CommandEvent, SuccessorKind } from './types.js';

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

/** A learned line with its derived forms. */
export interface Line {
  command: string;
  template: string;
  name: string;
}

export interface Transition {
  kind: SuccessorKind;
  key: string;
  item: string;
}

/**
 * The contexts one command is counted under, given the two before it in the same stream: the
 * single definition of what the stats learn, used by the in-memory and the SQLite stores alike.
 */
export function transitions(prev2: Line | undefined, prev: { event: CommandEvent; line: Line } | undefined, event: CommandEvent, line: Line): Transition[] {
  const out: Transition[] = [];
  if (prev) {
    const p = prev.line;
    out.push({ kind: 'exact1', key: p.command, item: line.command });
    out.push({ kind: 'template1', key: p.template, item: line.template });
    out.push({ kind: 'name1', key: p.name, item: line.name });
    out.push({ kind: 'args1', key: p.name, item: abstractArgs(p.command, line.command) ?? '' });
    if (prev2) {
      out.push({ kind: 'exact2', key: pairKey(prev2.command, p.command), item: line.command });
      out.push({ kind: 'name2', key: pairKey(prev2.name, p.name), item: line.name });
    }
  }
  if (startsSession(prev?.event, event)) out.push({ kind: 'start', key: '', item: line.command });
  if (event.cwd) out.push({ kind: 'cwd', key: event.cwd, item: line.command });
  return out;
}
