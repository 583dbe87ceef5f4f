// `mem hook install|uninstall <agent>`, and `mem __hook-recall` (run by the agent hook on a failure).
import type { Cli } from '../cli/act.js';
import type { HookInstallOpts, HookRecallOpts, HookUninstallOpts } from '../cli/register/agents.js';
import { hookMessage } from '../render/agents.js';
import { makeStyle } from '../render/style.js';
import { readInput } from '../util/io.js';

export function install({ mem, term }: Cli, opts: HookInstallOpts, agent: string): void {
  const r = mem.agents.installHook(agent, { project: Boolean(opts.project), recall: Boolean(opts.recall), dryRun: Boolean(opts.dryRun) });
  if (term.json) term.outJson(r);
  else term.out(hookMessage(makeStyle(term.color), r));
}

export function uninstall({ mem, term }: Cli, opts: HookUninstallOpts, agent: string): void {
  const r = mem.agents.uninstallHook(agent, { project: Boolean(opts.project), dryRun: Boolean(opts.dryRun) });
  if (term.json) term.outJson(r);
  else term.out(hookMessage(makeStyle(term.color), r));
}

/** Inside the agent's hook: prints the agent's answer or nothing, and never fails the tool call. */
export async function recall({ mem, term }: Cli, _opts: HookRecallOpts, _agent: string): Promise<void> {
  try {
    const r = await mem.agents.recall(await readInput('-'));
    if (r.output) term.write(r.output + '\n');
  } catch (err) {
    if (mem.world.env.MEM_DEBUG) process.stderr.write(`mem: recall failed: ${(err as Error).message}\n`);
  }
}
