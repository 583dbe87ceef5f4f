// mem learn --from-json: teach command sequences explicitly (e.g. an AI agent's run).
import type { Cli } from '../cli/act.js';
import type { LearnOpts } from '../cli/register/predict.js';
import { InputError, UsageError } from '../errors.js';
import { readInput } from '../util/io.js';
import { parseJsonInput } from '../util/json.js';

export async function run({ mem, term }: Cli, opts: LearnOpts): Promise<void> {
  if (opts.fromJson === undefined) throw new UsageError('give the sequences with --from-json FILE (or - for stdin)');
  const { items } = parseJsonInput(await readInput(opts.fromJson));
  const sessions = items.map((it) => {
    if (it.error) throw new InputError(it.error, it.line);
    return { line: it.line, value: it.value };
  });
  const report = mem.predict.learn(sessions);
  if (term.json) return term.outJson(report);
  term.out(`learned ${report.commands} commands in ${report.sessions} session${report.sessions === 1 ? '' : 's'}${report.filtered ? ` (${report.filtered} filtered)` : ''}`);
}
