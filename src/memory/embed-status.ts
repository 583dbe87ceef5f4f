// Why embedding is unavailable (no model offline, no API key), remembered in a small file for a
// while: searches then go straight to keywords instead of retrying the model (a download attempt
// costs a second offline), say so once, and `mem doctor` can report it without loading a model.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** How long a failure to load the embedder is trusted before it is tried again. */
export const RECHECK_MS = 10 * 60_000;

export interface EmbedStatus {
  at: string;
  unavailable: string | null;
  /** The provider and model the status is about: another configuration is tried afresh. */
  provider?: string;
  model?: string;
  /**
   * Has a person been told? False when only the background worker found out: the next search
   * still says it once.
   */
  told?: boolean;
}

export function recordEmbedStatus(file: string, unavailable: string | null, about: { provider: string; model: string }, now = Date.now(), told = true): void {
  write(file, { at: new Date(now).toISOString(), unavailable, ...about, told });
}

function write(file: string, status: EmbedStatus): void {
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(status) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // advice only
  }
}

/** Notes that the remembered reason has now been said to a person (its time is kept). */
export function markTold(file: string): void {
  const s = embedStatus(file);
  if (s && s.told === false) write(file, { ...s, told: true });
}

export function embedStatus(file: string): EmbedStatus | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EmbedStatus;
  } catch {
    return null;
  }
}

/** The remembered reason embedding is unavailable for this configuration, if still fresh, and whether it was said. */
export function knownUnavailable(file: string, about: { provider: string; model: string }, now: number): { reason: string; told: boolean } | null {
  const s = embedStatus(file);
  if (!s?.unavailable || s.provider !== about.provider || s.model !== about.model) return null;
  return now - Date.parse(s.at) < RECHECK_MS ? { reason: s.unavailable, told: s.told !== false } : null;
}
