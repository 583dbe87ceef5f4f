import type { Cli } from '../cli/act.js';
import { outcomeOf } from '../cli/outcome.js';
import type { AddOpts } from '../cli/register/memory.js';
import { InputError, UsageError } from '../errors.js';
import { parseMetaPairs } from '../memory/input.js';
import { MEMORY_LIMITS } from '../memory/model.js';
import type { AddResult } from '../memory/api.js';
import { readInput } from '../util/io.js';
import { parseJson } from '../util/json.js';

export async function run({ mem, term }: Cli, opts: AddOpts, text?: string): Promise<void> {
  if (opts.bulk !== undefined) return bulk({ mem, term }, opts);
  const outcome = outcomeOf(opts);
  const content = text === undefined || text === '-' ? (text === '-' || !term.stdinTty ? await readInput('-') : '') : text;
  const r = mem.memories.add(
    {
      content,
      kind: opts.kind,
      title: opts.title,
      tags: opts.tags,
      metadata: parseMetaPairs(opts.meta ?? []),
      source: opts.source,
      source_id: opts.sourceId,
      success: outcome === undefined ? undefined : outcome === 'success',
      task_id: opts.taskId,
      language: opts.language,
    },
    { scope: opts.scope },
  );
  if (term.json) return term.outJson(summary(r));
  term.out(r.created ? `${r.memory.id}\nembedding_status: pending` : `${r.memory.id}\nalready stored (identical ${r.memory.kind} in scope ${r.memory.scope}); nothing added`);
}

const summary = (r: AddResult) => ({ id: r.memory.id, created: r.created, duplicate_of: r.duplicate_of, embedding_status: r.memory.embedding_status, scope: r.memory.scope });

async function bulk({ mem, term }: Cli, opts: AddOpts): Promise<void> {
  const values: { line: number; value: unknown }[] = [];
  const malformed: { line: number; error: string }[] = [];
  const lines = (await readInput(opts.bulk!)).split('\n');
  const nonEmpty = lines.filter((l) => l.trim()).length;
  if (nonEmpty > MEMORY_LIMITS.bulkLines) throw new UsageError(`--bulk takes at most ${MEMORY_LIMITS.bulkLines} lines, got ${nonEmpty}`);
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      values.push({ line: i + 1, value: parseJson(raw) });
    } catch (err) {
      malformed.push({ line: i + 1, error: new InputError(`malformed JSON: ${(err as Error).message}`, i + 1).message });
    }
  });
  const r = mem.memories.addMany(values, { kind: opts.kind, source: opts.source, scope: opts.scope });
  const errors = [...malformed, ...r.errors].sort((a, b) => a.line - b.line);
  const report = { ...r, failed: errors.length, errors };
  if (term.json) term.outJson(report);
  else {
    for (const e of errors) term.err(`mem: ${e.error}`);
    term.out(`created ${report.created}, duplicates ${report.duplicates}, failed ${report.failed}`);
  }
  if (errors.length) process.exitCode = 2;
}

