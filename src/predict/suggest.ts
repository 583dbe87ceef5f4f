// The suggestion files the shell reads at the prompt, with builtins only: after each ingest the
// background ingester writes each active session's top predictions to
// `$MEM_HOME/suggest/<session>`, one command line per line, best first.
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import { loadPredictor } from './learner.js';
import { SqlStats } from './store/stats.js';
import { makeDirs } from '../util/dirs.js';

const KEEP = 5;
const STALE_MS = 2 * 86_400_000;

/** Writes the predictions of the given shell sessions (streams of imports and `learn` are skipped). */
export function writeSuggestions(db: Db, dir: string, sessions: string[], now: number): number {
  const live = sessions.filter((s) => !s.startsWith('import:') && !s.startsWith('learn:') && /^[\w.-]+$/.test(s));
  if (!live.length) return 0;
  makeDirs(dir);
  const stats = new SqlStats(db);
  const predictor = loadPredictor(stats);
  for (const session of live) {
    const recent = stats.stream(session);
    const last = recent[recent.length - 1];
    const lines = predictor
      .predict({ recent, cwd: last?.cwd ?? null, now, k: KEEP + 2 })
      .map((p) => p.next_command)
      .filter((c) => !c.includes('\n'))
      .slice(0, KEEP);
    const path = join(dir, session);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, lines.length ? lines.join('\n') + '\n' : '', { mode: 0o600 });
    renameSync(tmp, path);
  }
  return live.length;
}

/**
 * Removes every suggestion file (prune: they may offer what it removed), returning their sessions
 * so they can be written again from the cleaned statistics.
 */
export function clearSuggestions(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const f of names) rmSync(join(dir, f), { force: true });
  return names.filter((f) => !f.endsWith('.tmp'));
}

/** Suggestion files of sessions idle for days are removed. */
export function pruneSuggestions(dir: string, now: number): void {
  try {
    for (const f of readdirSync(dir)) if (now - statSync(join(dir, f)).mtimeMs > STALE_MS) rmSync(join(dir, f), { force: true });
  } catch {
    // nothing to prune
  }
}
