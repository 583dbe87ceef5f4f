import { dirname, join, resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { backup } from '../maintenance/backup.js';
import { intOption } from '../util/io.js';

export function backupDir(ctx: Ctx, flag?: unknown): string {
  const configured = flag ?? ctx.config.get<string>('backup.dir');
  return configured ? resolve(ctx.cwd, String(configured)) : join(dirname(ctx.dbPath), 'backups');
}

export async function run(ctx: Ctx, opts: Record<string, unknown>): Promise<void> {
  const keep = opts.keep === undefined ? ctx.config.get<number>('backup.keep') : intOption(opts.keep, '--keep', 1);
  const report = await backup(ctx.db(), backupDir(ctx, opts.dir), keep, ctx.now());
  if (ctx.json) return ctx.outJson(report);
  ctx.out(`backed up to ${report.path} (${(report.bytes / 1024).toFixed(0)} KiB, integrity ok); keeping ${report.kept.length}, removed ${report.removed.length}`);
}
