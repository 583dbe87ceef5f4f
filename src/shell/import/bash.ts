// bash history: one command per line, or, with HISTTIMEFORMAT set, a `#<epoch>` line before each
// command. In the timestamped form bash (with `lithist`) writes a multi-line command as several
// plain lines, so an entry runs from one timestamp line to the next.
import { TimeCheck } from './time.js';
import type { HistoryEntry, HistoryFormat, ParseInput, ParseResult } from './types.js';

/** Only an all-digit comment is a timestamp; `# note` or `#!x` typed at the prompt is a command. */
const TIMESTAMP = /^#(\d+)$/;
const TIMESTAMP_LINE = /^#\d+\r?$/gm;

const utf8 = new TextDecoder('utf-8');

function push(out: HistoryEntry[], lines: string[], ts: number | null): void {
  // Blank lines trailing an entry are file padding, not part of what was typed.
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  const command = lines.slice(0, end).join('\n');
  if (command.trim() === '') return;
  out.push({ command, ts, duration_ms: null, index: out.length });
}

export function parseBash({ data, now }: ParseInput): ParseResult {
  const lines = utf8.decode(data).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: HistoryEntry[] = [];
  const time = new TimeCheck(now);
  // Until the first timestamp line (HISTTIMEFORMAT may have been set late) every line stands alone.
  let group: string[] | null = null;
  let ts: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const m = TIMESTAMP.exec(line);
    if (m) {
      if (group) push(out, group, ts);
      group = [];
      ts = time.seconds(m[1]!, i + 1);
    } else if (group) {
      group.push(line);
    } else {
      push(out, [line], null);
    }
  }
  if (group) push(out, group, ts);
  return { entries: time.settle(out), warnings: time.warnings };
}

/** Timestamped files are about half `#<epoch>` lines; scale so that reads as certain. */
export function detectBash(sample: string): number {
  const lines = sample.split('\n').filter((l) => l.trim() !== '').length;
  if (lines === 0) return 0;
  const hits = sample.match(TIMESTAMP_LINE)?.length ?? 0;
  return Math.min(1, (2 * hits) / lines);
}

export const bashFormat: HistoryFormat = { name: 'bash', detect: detectBash, parse: parseBash };
