import type { Ctx } from '../context.js';
import { InputError, UsageError } from '../errors.js';
import { checkKind, checkSource, memoryFromObject, parseMetaPairs, parseTags, type MemoryInput } from '../memory/input.js';
import { MEMORY_LIMITS } from '../memory/model.js';
import { resolveScope } from '../memory/scope.js';
import { MemoryStore, type AddResult } from '../memory/store.js';
import { readInput } from '../util/io.js';
import { startEmbedWorker } from './embed-worker.js';

export function run(ctx: Ctx, opts: Record<string, unknown>, text?: string): void {
  if (opts.bulk !== undefined) return bulk(ctx, opts);
  if (opts.success && opts.failure) throw new UsageError('--success and --failure contradict each other');
  const content = text === undefined || text === '-' ? (text === '-' || !ctx.stdinTty ? readInput('-') : '') : text;
  const input = memoryFromObject({
    content,
    kind: opts.kind ?? 'note',
    title: opts.title,
    tags: opts.tags === undefined ? undefined : parseTags(opts.tags),
    metadata: parseMetaPairs((opts.meta as string[] | undefined) ?? []),
    source: opts.source,
    source_id: opts.sourceId,
    success: opts.success ? true : opts.failure ? false : undefined,
    task_id: opts.taskId,
    language: opts.language,
  });
  const scope = resolveScope(opts.scope, ctx.env, ctx.cwd);
  const [r] = new MemoryStore(ctx.db()).add([{ ...input, scope }], ctx.now());
  if (r!.created) startEmbedWorker(ctx);
  if (ctx.json) return ctx.outJson(summary(r!));
  ctx.out(r!.created ? `${r!.memory.id}\nembedding_status: pending` : `${r!.memory.id}\nalready stored (identical ${r!.memory.kind} in scope ${r!.memory.scope}); nothing added`);
}

const summary = (r: AddResult) => ({ id: r.memory.id, created: r.created, duplicate_of: r.duplicate_of, embedding_status: r.memory.embedding_status, scope: r.memory.scope });

function bulk(ctx: Ctx, opts: Record<string, unknown>): void {
  const lines = readInput(String(opts.bulk)).split('\n');
  const nonEmpty = lines.filter((l) => l.trim()).length;
  if (nonEmpty > MEMORY_LIMITS.bulkLines) throw new UsageError(`--bulk takes at most ${MEMORY_LIMITS.bulkLines} lines, got ${nonEmpty}`);
  const defaults = { kind: opts.kind === undefined ? undefined : checkKind(opts.kind), source: opts.source === undefined ? undefined : checkSource(opts.source) };
  const scope = resolveScope(opts.scope, ctx.env, ctx.cwd);
  const good: (MemoryInput & { scope: string })[] = [];
  const errors: { line: number; error: string }[] = [];
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        throw new InputError(`malformed JSON: ${(err as Error).message}`, i + 1);
      }
      // Spreading a non-object (an array, a string, null) would hide it as "content is required".
      const withDefaults = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...defaults, ...value } : value;
      const m = memoryFromObject(withDefaults, i + 1);
      good.push({ ...m, scope: m.scope ?? scope });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push({ line: i + 1, error: err.message });
    }
  });
  const results = good.length ? new MemoryStore(ctx.db()).add(good, ctx.now()) : [];
  const created = results.filter((r) => r.created);
  if (created.length) startEmbedWorker(ctx);
  const report = { created: created.length, duplicates: results.length - created.length, failed: errors.length, errors, ids: results.map((r) => r.memory.id) };
  if (ctx.json) ctx.outJson(report);
  else {
    for (const e of errors) ctx.err(`mem: ${e.error}`);
    ctx.out(`created ${report.created}, duplicates ${report.duplicates}, failed ${report.failed}`);
  }
  if (errors.length) process.exitCode = 2;
}
