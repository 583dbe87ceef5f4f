import type { Ctx } from '../context.js';
import { loadConfig, setConfigValue } from '../config/config.js';
import { findKey } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { makeStyle, table } from '../render/style.js';

export function list(ctx: Ctx): void {
  const entries = ctx.config.entries();
  if (ctx.json) return ctx.outJson({ path: ctx.config.path, keys: entries });
  const s = makeStyle(ctx.color);
  ctx.out(table(s, ['key', 'value', 'source', 'meaning'], entries.map((e) => [e.key, JSON.stringify(e.value), e.source, s.dim(e.description)])));
  ctx.out(s.dim(`config file: ${ctx.config.path}`));
}

export function get(ctx: Ctx, _opts: unknown, key: string): void {
  if (!findKey(key)) throw new UsageError(`unknown config key '${key}' (see \`mem config list\`)`);
  const e = ctx.config.entries().find((x) => x.key === key)!;
  if (ctx.json) ctx.outJson(e);
  else ctx.out(Array.isArray(e.value) ? e.value.join(',') : String(e.value));
}

export function set(ctx: Ctx, _opts: unknown, key: string, value: string): void {
  const stored = setConfigValue(ctx.env, key, value);
  loadConfig(ctx.env); // the whole file must still validate
  if (ctx.json) ctx.outJson({ key, value: stored, path: ctx.config.path });
  else ctx.out(`${key} = ${JSON.stringify(stored)} (${ctx.config.path})`);
}

export function unset(ctx: Ctx, _opts: unknown, key: string): void {
  setConfigValue(ctx.env, key, undefined);
  if (ctx.json) ctx.outJson({ key, path: ctx.config.path });
  else ctx.out(`${key} unset (${ctx.config.path})`);
}

export function path(ctx: Ctx): void {
  if (ctx.json) ctx.outJson({ path: ctx.config.path });
  else ctx.out(ctx.config.path);
}
