// Spool lines the ingester could not use, kept for `mem doctor` and for a person to look at:
// `<spool>/rejected.log`, one line each (time, spool file, reason, the line). Only redacted text is
// written, the file is private (0600), and it is bounded: past MAX_BYTES it becomes rejected.log.1
// (replacing the older copy) and a new one starts.
import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactString } from '../redact/index.js';

export const REJECTED_LOG = 'rejected.log';
const MAX_BYTES = 256 * 1024;
const MAX_LINE = 300;

export function rejectedPath(spoolDir: string): string {
  return join(spoolDir, REJECTED_LOG);
}

/**
 * Appends one rejected line. A torn record's last field was cut: whatever it held (maybe half a
 * secret, which no pattern can recognise) is dropped, not logged. Never throws: a full disk must
 * not stop ingestion.
 */
export function logRejected(spoolDir: string, now: number, file: string, why: string, line: string, torn = false): void {
  const path = rejectedPath(spoolDir);
  const kept = torn ? `${line.slice(0, Math.max(0, line.lastIndexOf('\t')))}\t[cut]` : line;
  const text = redactString(kept).replace(/[\r\n]/g, ' ').slice(0, MAX_LINE);
  try {
    if (existsSync(path) && statSync(path).size >= MAX_BYTES) renameSync(path, `${path}.1`);
    appendFileSync(path, `${new Date(now).toISOString()}\t${file}\t${why}\t${text}\n`, { mode: 0o600 });
  } catch {
    // best effort
  }
}

export interface RejectedSummary {
  count: number;
  /** Lines in the rotated copy, counted separately. */
  older: number;
  newest?: { at: string | null; file: string; why: string };
}

export function rejectedSummary(spoolDir: string): RejectedSummary {
  const path = rejectedPath(spoolDir);
  const lines = (p: string) => {
    try {
      return readFileSync(p, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const current = lines(path);
  const summary: RejectedSummary = { count: current.length, older: lines(`${path}.1`).length };
  const last = current.at(-1);
  if (last) {
    const f = last.split('\t');
    // Lines written before the time column was added start with the file name.
    summary.newest = /^\d{4}-\d\d-\d\dT/.test(f[0] ?? '') ? { at: f[0]!, file: f[1] ?? '', why: f[2] ?? '' } : { at: null, file: f[0] ?? '', why: f[1] ?? '' };
  }
  return summary;
}
