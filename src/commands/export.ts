import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { exportToFile, writeBundle } from '../maintenance/bundle.js';

export function run(ctx: Ctx, _opts: unknown, file?: string): void {
  const db = ctx.db();
  if (file === undefined || file === '-') {
    writeBundle(db, (c) => void process.stdout.write(c), ctx.now());
    return;
  }
  const path = resolve(ctx.cwd, file);
  const counts = exportToFile(db, path, ctx.now());
  if (ctx.json) ctx.outJson({ path, counts });
  else ctx.out(`exported ${Object.entries(counts).map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`).join(', ')} to ${path}`);
}
