// mem embed: run the embedding worker in the foreground (with progress), or detached (--worker),
// or report (--status); --retry-failed and --reembed queue work first.
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import { dataDir } from '../db/paths.js';
import { MemError } from '../errors.js';
import { MemoryStore } from '../memory/store.js';
import { queueReembed, releaseStale, retryFailed, runWorker } from '../memory/worker.js';
import { progressBar } from '../render/progress.js';
import { makeStyle } from '../render/style.js';
import { tryLock } from '../shell/lock.js';
import { embedderOrReason, embedStatus, recordEmbedStatus } from './memory-common.js';

export async function run(ctx: Ctx, opts: Record<string, unknown>): Promise<void> {
  const db = ctx.db();
  if (opts.status) return status(ctx);
  const lock = tryLock(join(dataDir(ctx.env), 'embed.lock'));
  if (!lock) {
    if (opts.worker) return;
    throw new MemError('another embedding worker is running; `mem embed --status` shows its progress');
  }
  try {
    const queued = { retried: opts.retryFailed ? retryFailed(db) : 0, reembed: 0 };
    const { embedder, reason } = await embedderOrReason(ctx);
    if (opts.reembed && embedder) queued.reembed = queueReembed(db, null);
    if (!embedder) {
      releaseStale(db);
      recordEmbedStatus(ctx.env, reason);
      if (opts.worker) return;
      throw new MemError(`cannot embed: ${reason}`);
    }
    const bar = progressBar(!opts.worker && !ctx.json && process.stderr.isTTY === true, 'embedding');
    const report = await runWorker(db, embedder, { batchSize: ctx.config.get<number>('embedding.batch_size'), now: ctx.now, onProgress: bar.update });
    bar.done();
    recordEmbedStatus(ctx.env, report.unavailable ?? null);
    if (opts.worker) return;
    if (report.unavailable) throw new MemError(`cannot embed: ${report.unavailable}`);
    if (ctx.json) return ctx.outJson({ ...queued, ...report, model: embedder.model, counts: new MemoryStore(db).statusCounts() });
    ctx.out(`embedded ${report.embedded} memories with ${embedder.model}${report.failed ? `, ${report.failed} failed` : ''}${report.near_duplicates ? `, ${report.near_duplicates} near-duplicates flagged` : ''}`);
  } finally {
    lock.release();
  }
}

function status(ctx: Ctx): void {
  const db = ctx.db();
  const counts = new MemoryStore(db).statusCounts();
  const models = db.prepare("SELECT embedding_model AS model, COUNT(*) AS count FROM memories WHERE embedding_status = 'completed' AND deleted_at IS NULL GROUP BY 1").all();
  const st = embedStatus(ctx.env);
  const out = { counts, models, provider: ctx.config.get<string>('embedding.provider'), unavailable: st?.unavailable ?? null };
  if (ctx.json) return ctx.outJson(out);
  const s = makeStyle(ctx.color);
  ctx.out(`pending ${counts.pending}  processing ${counts.processing}  completed ${s.green(String(counts.completed))}  failed ${counts.failed ? s.red(String(counts.failed)) : 0}`);
  ctx.out(`provider ${out.provider}${models.length ? `; models: ${(models as { model: string; count: number }[]).map((m) => `${m.model} (${m.count})`).join(', ')}` : ''}`);
  if (out.unavailable) ctx.out(s.yellow(`embedding unavailable: ${out.unavailable}`));
}
