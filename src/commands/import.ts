import type { Ctx } from '../context.js';
import { importBundle, parseBundle } from '../maintenance/bundle.js';
import { readInput } from '../util/io.js';
import { startEmbedWorker } from './embed-worker.js';

export function run(ctx: Ctx, opts: Record<string, unknown>, file: string): void {
  const bundle = parseBundle(readInput(file)); // the whole bundle is validated before any write
  if (opts.dryRun) {
    const summary = { dry_run: true, valid: true, fix_attempts: bundle.fix_attempts.length, fix_archive: bundle.fix_archive.length, commands: bundle.sections.commands.length, memories: bundle.sections.memories.length };
    return ctx.json ? ctx.outJson(summary) : ctx.out(`bundle is valid: ${summary.fix_attempts} fix attempts, ${summary.fix_archive} archive rows (nothing written)`);
  }
  const report = importBundle(ctx.db(), bundle);
  if (report.added.memories) startEmbedWorker(ctx); // vectors are not exported: embed again
  if (ctx.json) return ctx.outJson(report);
  const a = report.fix_attempts;
  const n = report.added;
  ctx.out(
    report.changed
      ? `imported ${a.added} new fix attempts (${a.already_present} already present), ${n.commands} shell commands, ${n.memories} memories, ${n.learned_patterns} learned patterns, ${n.episodes} episodes; merged ${report.fix_archive.merged} archive rows`
      : `nothing new: every record in ${file === '-' ? 'the bundle' : file} is already in the store`,
  );
}
