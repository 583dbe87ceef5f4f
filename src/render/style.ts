// Colour and table helpers shared by renderers. Renderers return strings; commands print them.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { layout } from './layout.js';

export type Style = ChalkInstance;

export function makeStyle(color: boolean): Style {
  return new Chalk({ level: color ? 2 : 0 });
}

/** Visible width of a cell line (escape codes take none). */
const visible = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').length;

/**
 * Column widths (padding included) that fit `width` with the borders: the widest columns are cut
 * down to one common cap, found by bisection, and never below what their heading needs (or 6).
 */
export function fitColumns(natural: number[], head: number[], width: number): number[] | null {
  const borders = natural.length + 1;
  const sized = (floors: number[], cap: number) => natural.map((w, i) => Math.min(w, Math.max(cap, floors[i]!)));
  const total = (floors: number[], cap: number) => sized(floors, cap).reduce((a, b) => a + b, 0) + borders;
  if (total(head, Infinity) <= width) return null;
  // So many columns that even their headings do not fit: headings are cut too (3: one letter and …).
  const floors = total(head, 0) <= width ? head : natural.map(() => 3);
  let lo = 0;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(floors, mid) <= width) lo = mid;
    else hi = mid - 1;
  }
  return sized(floors, lo);
}

/**
 * A table that fits the terminal: cells too long for their column are cut with …; with --wide
 * (or no known width, as in a pipe without $COLUMNS) every cell is shown in full.
 */
export function table(style: Style, head: string[], rows: (string | number)[][], align?: ('left' | 'right')[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const lineWidth = (c: string) => Math.max(0, ...c.split('\n').map(visible));
  const natural = head.map((h, i) => Math.max(visible(h), ...cells.map((r) => lineWidth(r[i] ?? ''))) + 2);
  const { wide, width } = layout();
  const fit = wide || width === null ? null : fitColumns(natural, head.map((h) => Math.min(visible(h), 12) + 2), width);
  const t = new Table({
    head: head.map((h) => style.bold(h)),
    style: { head: [], border: style.level ? ['grey'] : [], compact: true },
    ...(align ? { colAligns: align } : {}),
    ...(fit ? { colWidths: fit, wordWrap: false, truncate: '…' } : { wordWrap: true }),
  });
  for (const r of cells) t.push(r);
  return t.toString();
}

const BLOCKS = ' ▏▎▍▌▋▊▉█';

/** A horizontal bar `width` cells wide for value/max, drawn with eighth blocks. */
export function bar(value: number, max: number, width = 20): string {
  if (!(max > 0) || !(value > 0)) return '';
  const cells = Math.min(width, (value / max) * width);
  const full = Math.floor(cells);
  const rest = Math.round((cells - full) * 8);
  return '█'.repeat(full) + (rest > 0 && full < width ? BLOCKS[rest] : '');
}

const SPARKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 || v === 0 ? ' ' : SPARKS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

export function pct(rate: number | null | undefined): string {
  return rate === null || rate === undefined || Number.isNaN(rate) ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

export function rateColor(style: Style, rate: number, text: string): string {
  return rate >= 0.7 ? style.green(text) : rate >= 0.4 ? style.yellow(text) : style.red(text);
}

/** Strips control characters so stored text cannot drive the terminal when printed. */
export function safe(text: string): string {
   
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f\x9b]/g, '');
}

/** One line of at most `max` characters, cut with … (in full with --wide). */
export function truncate(text: string, max: number): string {
  const one = safe(text).replace(/\s+/g, ' ').trim();
  return one.length > max && !layout().wide ? one.slice(0, max - 1) + '…' : one;
}

export { ago } from '../util/time.js';
