// The picker's screen as text: a pure function of what it shows and the terminal's size, drawn in
// one write. Plain ANSI: cursor home, each line cleared and rewritten, no library (a terminal UI
// framework costs more to load than the whole first paint may take). Without colour (NO_COLOR,
// output.color) no SGR sequence at all: the selected row is marked with `>`.
import { matchPositions, parseQuery } from '../match.js';
import type { Mode, PickedRow } from '../api.js';
import { cells, fitCells } from '../../util/width.js';

export interface View {
  mode: Mode;
  /** The mode Ctrl-R switches to. */
  next: Mode;
  query: string;
  rows: PickedRow[];
  matched: number;
  total: number;
  /** The counts are not final yet (the first screen, before every candidate is read). */
  partial?: boolean;
  selected: number;
  /** Rows scrolled past at the top. */
  offset: number;
  /** A question or a message for the last line (deletion). */
  footer: string | null;
  now: number;
}

const LABEL: Record<Mode, string> = { global: 'all history', host: 'this host', session: 'this session', directory: 'this directory', repository: 'this repository' };
const HELP = 'Enter: put on prompt  Tab: edit  Ctrl-R: scope  Ctrl-D: delete  Esc: cancel';

/** 12,345 (toLocaleString would load the ICU data: tens of ms before the first paint). */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** How many rows fit between the header and the footer. */
export const listHeight = (height: number) => Math.max(1, height - 3);

export function ago(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  if (s < 86400 * 14) return `${Math.floor(s / 86400)}d`;
  if (s < 86400 * 61) return `${Math.floor(s / (86400 * 7))}w`;
  if (s < 86400 * 730) return `${Math.floor(s / (86400 * 30.4))}mo`;
  return `${Math.floor(s / (86400 * 365))}y`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;
  return `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}`;
}

/** One line of a command as a row shows it: control characters as spaces, further lines as ↵. */
function oneLine(command: string): string {
  const nl = command.indexOf('\n');
  const first = nl < 0 ? command : command.slice(0, nl) + ' ↵…';
   
  // C1 controls too: a terminal that honours 8-bit controls reads U+009B as CSI.
  return first.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');
}

/** At most `width` terminal cells (wide CJK characters and emoji take two). */
const fit = (s: string, width: number) => (width <= 1 ? (cells(s) <= width ? s : fitCells(s, width + 1).slice(0, -1)) : fitCells(s, width));

const SGR = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m' };

/** The text of one row (no colour): marker, age, duration, exit status, command. */
export function rowText(r: PickedRow, now: number, selected: boolean): { prefix: string; command: string } {
  const status = r.exit_code === null || r.exit_code === 0 ? '' : `✗${r.exit_code}`;
  const prefix = `${selected ? '>' : ' '} ${ago(now - r.last_ts).padStart(4)} ${duration(r.duration_ms).padStart(6)} ${status.padStart(4)}  `;
  return { prefix, command: oneLine(r.command) };
}

/** The whole frame: one string that redraws every line, and leaves the cursor after the query. */
export function frame(v: View, width: number, height: number, color: boolean): string {
  const lines: string[] = [];
  const c = (code: string, s: string) => (color && s ? code + s + SGR.reset : s);
  const count = v.partial ? '' : `${thousands(v.matched)}/${thousands(v.total)}`;
  const title = `mem history: ${LABEL[v.mode]}  (Ctrl-R: ${LABEL[v.next]})`;
  lines.push(fit(title, width - count.length - 1).padEnd(width - count.length) + count);
  const promptText = `> ${v.query}`;
  lines.push(c(SGR.bold, fit(promptText, width)));
  const terms = parseQuery(v.query);
  const h = listHeight(height);
  for (let i = 0; i < h; i++) {
    const idx = v.offset + i;
    const r = v.rows[idx];
    if (!r) {
      lines.push('');
      continue;
    }
    const sel = idx === v.selected;
    const { prefix, command } = rowText(r, v.now, sel);
    const shown = fit(command, Math.max(1, width - prefix.length));
    if (!color) {
      lines.push(prefix + shown);
      continue;
    }
    // Attributes are switched off one by one (22: bold/dim off, 39: default colour), so the
    // selected row's inverse video lasts to the end of the line.
    const failed = r.exit_code !== null && r.exit_code !== 0;
    const statusAt = prefix.length - 6;
    const head = `\x1b[2m${prefix.slice(0, statusAt)}\x1b[22m${failed ? '\x1b[31m' : ''}${prefix.slice(statusAt)}\x1b[39m`;
    const pos = new Set(matchPositions(terms, command));
    let body = '';
    for (let k = 0; k < shown.length; k++) body += pos.has(k) && shown[k] !== '…' ? `\x1b[1;33m${shown[k]}\x1b[22;39m` : shown[k];
    const pad = ' '.repeat(Math.max(0, width - prefix.length - cells(shown)));
    lines.push(sel ? `\x1b[7m${head}${body}${pad}\x1b[0m` : head + body);
  }
  lines.push(c(v.footer ? SGR.bold : SGR.dim, fit(v.footer ?? HELP, width)));
  // Home, then each line cleared before it is written; the cursor goes back to the query.
  let out = '\x1b[H';
  for (let i = 0; i < lines.length; i++) out += `\x1b[2K${lines[i]}${i < lines.length - 1 ? '\r\n' : ''}`;
  out += `\x1b[2;${Math.min(width, cells(promptText) + 1)}H`;
  return out;
}
