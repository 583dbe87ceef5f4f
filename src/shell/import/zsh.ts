// zsh history: EXTENDED_HISTORY lines (`: <start>:<elapsed>;<command>`), plain lines, or a mix of
// both (the option can be toggled over a file's lifetime). The rules below mirror zsh's own
// reader (readhistline/readhistfile in Src/hist.c) so we see the same commands `fc -l` would.
import { TimeCheck } from './time.js';
import type { HistoryEntry, HistoryFormat, ParseInput, ParseResult } from './types.js';

/** zsh's metafication marker: the next byte is the real byte XOR 0x20. */
const META = 0x83;
const NL = 0x0a;

const EXTENDED = /^: (\d+):(\d+);/;
const EXTENDED_LINE = /^: \d+:\d+;/gm;

/**
 * Undo zsh's metafication. It works on bytes, not text: the pairs split UTF-8 sequences (e.g. the
 * 0x83 inside 'ア' is stored as 0x83 0xA3), so decoding first would garble non-ASCII commands.
 * A Meta with no partner (before a newline or at EOF) is never written by zsh; keep it literally
 * rather than swallow a line break.
 */
export function unmetafy(data: Buffer): Buffer {
  let i = data.indexOf(META);
  if (i < 0) return data; // fast path: most files are pure ASCII
  const out = Buffer.allocUnsafe(data.length);
  data.copy(out, 0, 0, i);
  let o = i;
  for (; i < data.length; i++) {
    const b = data[i]!;
    const next = data[i + 1];
    if (b === META && next !== undefined && next !== NL) {
      out[o++] = next ^ 0x20;
      i++;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}

// Non-fatal: a stray invalid byte (seen in real files, e.g. half a pasted powerline glyph) becomes
// U+FFFD instead of losing the whole file.
const utf8 = new TextDecoder('utf-8');

interface Pending {
  ts: number | null;
  duration_ms: number | null;
  parts: string[];
}

function finish(p: Pending, out: HistoryEntry[]): void {
  const last = p.parts.length - 1;
  // zsh appends one space to a command that ends in backslash(es) so the reader does not take it
  // for a continuation (`rm -f \\` is written `rm -f \\ `); drop exactly that one space again.
  if (/\\ +$/.test(p.parts[last]!)) p.parts[last] = p.parts[last]!.slice(0, -1);
  const command = p.parts.join('\n');
  if (command.trim() === '') return; // e.g. `: 1:0;\` followed by a blank line
  out.push({ command, ts: p.ts, duration_ms: p.duration_ms, index: out.length });
}

export function parseZsh({ data, now }: ParseInput): ParseResult {
  const lines = utf8.decode(unmetafy(data)).split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the file's final terminator, not an empty line
  const out: HistoryEntry[] = [];
  const time = new TimeCheck(now);
  let cur: Pending | null = null;
  let continuing = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const continues = line.endsWith('\\');
    const body = continues ? line.slice(0, -1) : line;
    if (continuing && cur) {
      // A continuation line is command text even if it looks like an extended header.
      cur.parts.push(body);
    } else {
      if (cur) finish(cur, out);
      const m = EXTENDED.exec(body);
      if (m) {
        const ts = time.seconds(m[1]!, i + 1);
        cur = { ts, duration_ms: time.duration(Number(m[2]) * 1000, m[2]!, i + 1), parts: [body.slice(m[0].length)] };
      } else {
        // Without EXTENDED_HISTORY zsh escapes a leading ':' as '\:' so it cannot pass for a header.
        cur = { ts: null, duration_ms: null, parts: [body.startsWith('\\:') ? body.slice(1) : body] };
      }
    }
    continuing = continues;
  }
  // A backslash on the very last line still stands for an embedded newline (zsh reads it so too).
  if (cur && continuing) cur.parts.push('');
  if (cur) finish(cur, out);
  return { entries: time.settle(out), warnings: time.warnings };
}

/** Share of the sample's non-empty lines that carry an extended header. */
export function detectZsh(sample: string): number {
  const lines = sample.split('\n').filter((l) => l.trim() !== '').length;
  if (lines === 0) return 0;
  const hits = sample.match(EXTENDED_LINE)?.length ?? 0;
  return Math.min(1, hits / lines);
}

export const zshFormat: HistoryFormat = { name: 'zsh', detect: detectZsh, parse: parseZsh };
