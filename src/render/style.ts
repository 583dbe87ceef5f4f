// Colour and table helpers shared by renderers. Renderers return strings; commands print them.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';

export type Style = ChalkInstance;

export function makeStyle(color: boolean): Style {
  return new Chalk({ level: color ? 2 : 0 });
}

export function table(style: Style, head: string[], rows: (string | number)[][], align?: ('left' | 'right')[]): string {
  const t = new Table({
    head: head.map((h) => style.bold(h)),
    style: { head: [], border: style.level ? ['grey'] : [], compact: true },
    ...(align ? { colAligns: align } : {}),
    wordWrap: true,
  });
  for (const r of rows) t.push(r.map(String));
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

export function truncate(text: string, max: number): string {
  const one = safe(text).replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export { ago } from '../util/time.js';
