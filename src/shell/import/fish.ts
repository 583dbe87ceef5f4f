// fish history (~/.local/share/fish/fish_history): nearly YAML, one item per command:
//   - cmd: <command, with '\' written '\\' and a newline written '\n'>
//     when: <epoch seconds>
//     paths:
//       - <a path the command named>
// Read as fish reads it (src/history/yaml_backend.rs in fish-shell): an item starts at a line
// beginning `- cmd:`, its indented lines follow; other unindented lines (YAML markers, debris of
// fish 1.x) are skipped. fish records no exit status, duration or directory.
import { TimeCheck } from './time.js';
import type { HistoryEntry, HistoryFormat, ParseInput, ParseResult } from './types.js';

const ITEM = /^- cmd:/;
const WHEN = /^\s+when:\s*(\S*)\s*$/;
const ITEM_LINE = /^(?:- cmd:|\s+when:|\s+paths:|\s+- )/gm;

const utf8 = new TextDecoder('utf-8');

/** Undoes fish's escaping: `\\` is a backslash, `\n` a newline; any other backslash is kept. */
export function unescapeFish(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}

export function parseFish({ data, now }: ParseInput): ParseResult {
  const lines = utf8.decode(data).split('\n');
  const out: HistoryEntry[] = [];
  const time = new TimeCheck(now);
  let cur: HistoryEntry | null = null;
  const finish = () => {
    if (cur && cur.command.trim() !== '') out.push({ ...cur, index: out.length });
    cur = null;
  };
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const when = cur && WHEN.exec(line);
      if (cur && when) cur.ts = time.seconds(when[1]!, i + 1); // fish itself reads junk as 0 (1970)
      continue; // paths and unknown keys
    }
    finish();
    if (!ITEM.test(line)) continue;
    // fish 1.x rewriting a fish 2 file could stack the prefix, or turn a `when:` into a command.
    let value = line;
    while (value.startsWith('- cmd: - cmd:')) value = value.slice('- cmd: '.length);
    if (value.startsWith('- cmd:    when:')) continue;
    cur = { command: unescapeFish(value.slice('- cmd:'.length).trimStart()), ts: null, duration_ms: null, index: 0 };
  }
  finish();
  return { entries: time.settle(out), warnings: time.warnings };
}

/** Share of the sample's non-empty lines that are item lines (`- cmd:` and its indented keys). */
export function detectFish(sample: string): number {
  const lines = sample.split('\n').filter((l) => l.trim() !== '').length;
  if (lines === 0) return 0;
  const hits = sample.match(ITEM_LINE)?.length ?? 0;
  return /^- cmd:/m.test(sample) ? Math.min(1, hits / lines) : 0;
}

export const fishFormat: HistoryFormat = { name: 'fish', detect: detectFish, parse: parseFish };
