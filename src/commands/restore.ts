import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { checkStore, restore } from '../maintenance/backup.js';
import { UsageError } from '../errors.js';
import { backupDir } from './backup.js';

export async function run(ctx: Ctx, _opts: unknown, file: string): Promise<void> {
  const source = resolve(ctx.cwd, file);
  if (source === ctx.dbPath) throw new UsageError('cannot restore the store from itself');
  const check = checkStore(source); // checked before the current store is even opened
  if (!check.ok) throw new UsageError(`cannot restore from ${source}: ${check.problem}; the current store is unchanged`, 'bad_backup');
  const current = existsSync(ctx.dbPath) ? ctx.db() : null;
  const report = await restore(current, ctx.dbPath, source, backupDir(ctx), ctx.now());
  ctx.close();
  ctx.db(); // migrates a restored store written by an older mem
  if (ctx.json) return ctx.outJson(report);
  ctx.out(`restored ${report.store} from ${report.restored_from}${report.previous_copy ? `; the previous store is kept at ${report.previous_copy}` : ''}`);
}
