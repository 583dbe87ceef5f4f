import type { Ctx } from '../context.js';
import { MemError } from '../errors.js';
import { modelInsight, setModelNotes } from '../fixes/insights.js';
import { FixStore } from '../fixes/store.js';
import { redactString } from '../redact/index.js';
import { renderModel } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run(ctx: Ctx, opts: Record<string, unknown>, name: string): void {
  const db = ctx.db();
  const limit = intOption(opts.limit, '--limit', 1, 1000);
  if (opts.setNotes !== undefined && !setModelNotes(db, name, redactString(String(opts.setNotes)))) {
    throw new MemError(`no fix attempts recorded for model '${name}'`);
  }
  const insight = modelInsight(db, name);
  if (!insight) throw new MemError(`no fix attempts recorded for model '${name}' (see \`mem stats\` for the models mem knows)`);
  const recent = new FixStore(db).byModel(name, limit);
  if (ctx.json) ctx.outJson({ ...insight, recent });
  else ctx.out(renderModel(makeStyle(ctx.color), insight, recent, ctx.now()));
}
