// AI agents: the MCP server, and agents' hooks (capturing the commands they run, recall on failure).
import { act, pick } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf, Parent } from './types.js';

const mcp = (p: Program) =>
  p
    .command('mcp')
    .description('serve mem to AI agents over the Model Context Protocol (stdio): claude mcp add --scope user mem -- mem mcp')
    .option('--allow-destructive', 'also offer memory_delete');
export type McpOpts = OptsOf<typeof mcp>;

const hookInstall = (p: Parent) =>
  p
    .command('install <agent>')
    .description("record the shell commands an agent runs, like yours: merges mem's hook into the agent's hook settings (claude-code, codex, cursor); idempotent, other hooks kept, the file backed up")
    .option('--project', "the project's settings (.claude/settings.json, .codex/hooks.json, .cursor/hooks.json here) instead of your user settings")
    .option('--recall', 'claude-code: when a command fails, tell the agent what fixed it before (error memories, fixes, what was run after the same failure)')
    .option('--dry-run', 'show the change to the settings file, write nothing');
export type HookInstallOpts = OptsOf<typeof hookInstall>;

const hookUninstall = (p: Parent) =>
  p
    .command('uninstall <agent>')
    .description("remove mem's hook from the agent's settings (every other hook stays; the file is backed up)")
    .option('--project', "the project's settings instead of your user settings")
    .option('--dry-run', 'show the change, write nothing');
export type HookUninstallOpts = OptsOf<typeof hookUninstall>;

const hookRecall = (p: Program) =>
  p.command('__hook-recall <agent>', { hidden: true }).description("answer an agent's failed command with what fixed it before (run by mem's agent hook, payload on stdin)");
export type HookRecallOpts = OptsOf<typeof hookRecall>;

export function registerAgents(program: Program): void {
  mcp(program).action(act(() => import('../../commands/mcp.js')));
  const hook = program.command('hook').description("agents' hooks: capture the commands AI agents run (claude-code, codex, cursor)");
  const load = () => import('../../commands/hook.js');
  hookInstall(hook).action(act(pick(load, 'install')));
  hookUninstall(hook).action(act(pick(load, 'uninstall')));
  hookRecall(program).action(act(pick(load, 'recall')));
}
