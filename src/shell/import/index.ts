// Entry point for `mem import-history`: pick the format, parse, and give each entry a stable
// identity so re-importing a file (or a grown copy of it) adds only what is new.
import { createHash } from 'node:crypto';
import { UsageError } from '../../errors.js';
import { bashFormat } from './bash.js';
import type { HistoryEntry, HistoryFormat } from './types.js';
import { zshFormat } from './zsh.js';

export type { HistoryEntry, HistoryFormat } from './types.js';

export const FORMATS: readonly HistoryFormat[] = [zshFormat, bashFormat];

/** Detection only needs the first few hundred lines; no point scanning a 100 MB file. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Content wins when it is decisive (extended zsh headers, bash `#<epoch>` lines). Plain one-line-
 * per-command files look identical in both shells, so then the file name decides.
 */
export function detectFormat(sample: string, pathHint?: string): 'zsh' | 'bash' {
  let best: HistoryFormat | null = null;
  let bestScore = 0;
  for (const f of FORMATS) {
    const score = f.detect(sample);
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  if (best) return best.name;
  return pathHint?.toLowerCase().includes('zsh') ? 'zsh' : 'bash';
}

export function parseHistory(
  data: Buffer,
  shell: 'zsh' | 'bash' | 'auto',
  pathHint?: string,
): { shell: 'zsh' | 'bash'; entries: HistoryEntry[] } {
  // `shell` usually comes straight from a CLI flag; the type does not protect us at run time.
  if (shell !== 'zsh' && shell !== 'bash' && shell !== 'auto') {
    throw new UsageError(`unknown shell '${String(shell)}' (expected zsh, bash or auto)`);
  }
  // latin1 never fails and keeps ASCII intact, which is all the detectors look at.
  const name = shell === 'auto' ? detectFormat(data.subarray(0, SAMPLE_BYTES).toString('latin1'), pathHint) : shell;
  const format = FORMATS.find((f) => f.name === name)!;
  return { shell: name, entries: format.parse(data) };
}

/**
 * Stable identity of an entry, independent of its position: appending to a file (or importing it
 * twice) keeps old keys, while `occurrence` separates genuine repeats with the same timestamp.
 * Fields are NUL-separated; only the command can contain NUL and it sits between fixed-shape fields.
 */
export function entryKey(shell: string, e: HistoryEntry, occurrence: number): string {
  return createHash('sha256')
    .update(`${shell}\0${e.ts ?? ''}\0${e.command}\0${occurrence}`)
    .digest('hex')
    .slice(0, 32);
}

/** Pairs each entry with how many earlier entries in the same file share its (ts, command). */
export function withOccurrences(entries: HistoryEntry[]): { entry: HistoryEntry; occurrence: number }[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const k = `${entry.ts ?? ''}\0${entry.command}`;
    const occurrence = seen.get(k) ?? 0;
    seen.set(k, occurrence + 1);
    return { entry, occurrence };
  });
}
