import type { Cli } from '../cli/act.js';
import { makeStyle, table } from '../render/style.js';

export function list({ mem, term }: Cli): void {
  const entries = mem.config.entries();
  if (term.json) return term.outJson({ path: mem.config.path, keys: entries });
  const s = makeStyle(term.color);
  term.out(table(s, ['key', 'value', 'source', 'meaning'], entries.map((e) => [e.key, JSON.stringify(e.value), e.source, s.dim(e.description)])));
  term.out(s.dim(`config file: ${mem.config.path}`));
}

export function get({ mem, term }: Cli, _opts: unknown, key: string): void {
  const e = mem.config.get(key);
  if (term.json) term.outJson(e);
  else term.out(Array.isArray(e.value) ? e.value.join(',') : String(e.value));
}

export function set({ mem, term }: Cli, _opts: unknown, key: string, value: string): void {
  const stored = mem.config.set(key, value);
  if (term.json) term.outJson({ key, value: stored, path: mem.config.path });
  else term.out(`${key} = ${JSON.stringify(stored)} (${mem.config.path})`);
}

export function unset({ mem, term }: Cli, _opts: unknown, key: string): void {
  mem.config.unset(key);
  if (term.json) term.outJson({ key, path: mem.config.path });
  else term.out(`${key} unset (${mem.config.path})`);
}

export function path({ mem, term }: Cli): void {
  if (term.json) term.outJson({ path: mem.config.path });
  else term.out(mem.config.path);
}
