// `mem picker [QUERY]`: the history picker Ctrl-R opens, run by hand (it prints the chosen line),
// or with --json the ranked matches of QUERY, as the picker would list them.
import type { Cli } from '../cli/act.js';
import type { PickerOpts } from '../cli/register/shell.js';
import { UsageError } from '../errors.js';
import { MODES, type Mode } from '../picker/api.js';
import { intOption } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: PickerOpts, query?: string): Promise<void> {
  const mode = opts.mode as Mode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got '${opts.mode}'`);
  if (term.json) {
    const limit = intOption(opts.limit, '--limit', 1, 10_000);
    mem.history.ingest();
    const picker = mem.picker.open({ session: mem.world.env.MEM_SESSION, mode });
    const r = picker.search(query ?? '', limit);
    term.outJson({ query: query ?? '', mode: r.mode, modes: picker.modes, matched: r.matched, total: r.total, commands: r.rows });
    return;
  }
  const { runPicker } = await import('../picker/tui/main.js');
  process.exitCode = await runPicker(['--query', query ?? '', '--mode', mode], mem.world, { print: 'line' });
}
