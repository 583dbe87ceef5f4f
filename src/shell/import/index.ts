// Entry point for `mem import-history`: pick the format, parse, and give each entry a stable
// identity so re-importing a file (or a grown copy of it) adds only what is new.
import { createHash } from 'node:crypto';
import { UsageError } from '../../errors.js';
import { atuinFormat } from './atuin.js';
import { bashFormat } from './bash.js';
import { fishFormat } from './fish.js';
import type { HistoryEntry, HistoryFormat, HistoryFormatName, ImportWarning } from './types.js';
import { zshFormat } from './zsh.js';

export type { HistoryEntry, HistoryFormat, HistoryFormatName, ImportWarning } from './types.js';

/** Every importer, in the order detection breaks ties. */
export const FORMATS: readonly HistoryFormat[] = [atuinFormat, zshFormat, bashFormat, fishFormat];
export const FORMAT_NAMES: readonly HistoryFormatName[] = FORMATS.map((f) => f.name);

/** Detection only needs the first few hundred lines; no point scanning a 100 MB file. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Content wins when it is decisive (an SQLite header, extended zsh headers, bash `#<epoch>` lines,
 * fish `- cmd:` items). Plain one-line-per-command files look identical in zsh and bash, so then
 * the file name decides.
 */
export function detectFormat(sample: string, pathHint?: string): HistoryFormatName {
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
  const hint = pathHint?.toLowerCase() ?? '';
  return hint.includes('zsh') ? 'zsh' : hint.includes('fish') ? 'fish' : 'bash';
}

export interface ParsedHistory {
  shell: HistoryFormatName;
  entries: HistoryEntry[];
  warnings: ImportWarning[];
}

/**
 * `path` is a hint for detection and where a database is opened; `now` bounds plausible times.
 */
export function parseHistory(data: Buffer, shell: HistoryFormatName | 'auto', path?: string, now = Date.now()): ParsedHistory {
  // `shell` usually comes straight from a CLI flag; the type does not protect us at run time.
  const named = FORMATS.find((f) => f.name === shell);
  if (!named && shell !== 'auto') {
    throw new UsageError(`unknown shell '${String(shell)}' (expected ${FORMAT_NAMES.join(', ')} or auto)`);
  }
  // latin1 never fails and keeps ASCII intact, which is all the detectors look at.
  const format = named ?? FORMATS.find((f) => f.name === detectFormat(data.subarray(0, SAMPLE_BYTES).toString('latin1'), path))!;
  const { entries, warnings } = format.parse({ data, path, now });
  return { shell: format.name, entries, warnings };
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

/** Identity of an entry that its source identifies itself (atuin's history id). */
export function sourceIdKey(shell: string, id: string): string {
  return createHash('sha256').update(`${shell}\0id\0${id}`).digest('hex').slice(0, 32);
}

/** Identity of an entry without a timestamp that the overlap rule placed after a previous import. */
export function sequenceKey(shell: string, stream: string, seq: number): string {
  return createHash('sha256').update(`${shell}\0seq\0${stream}\0${seq}`).digest('hex').slice(0, 32);
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
