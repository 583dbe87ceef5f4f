// Small chores done once per mem process that touches the spool (the background ingester, or a
// command that reads history): keep the generated init scripts current, and delete the hooks'
// scratch files of shells long gone. Cheap when there is nothing to do; never throws.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from '../core/paths.js';
import { memBin } from '../util/spawn.js';
import { refreshInitScriptsQuietly, type InitPlace } from './generated.js';

/** A scratch file untouched this long belongs to a shell that is gone or idle (it is recreated). */
const SCRATCH_STALE_MS = 24 * 3600_000;
let done = false;

export function shellUpkeep(w: InitPlace & { paths: Pick<Paths, 'run'> }, now: number): void {
  if (done) return;
  done = true;
  refreshInitScriptsNow(w);
  pruneScratch(w.paths.run, now);
}

/** Brings the generated init scripts up to date now (e.g. after `mem config set`). */
export function refreshInitScriptsNow(w: InitPlace): void {
  refreshInitScriptsQuietly(w, memBin(), process.execPath);
}

export function pruneScratch(dir: string, now: number): void {
  try {
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      if (now - statSync(path).mtimeMs > SCRATCH_STALE_MS) rmSync(path, { force: true });
    }
  } catch {
    // nothing to prune
  }
}
