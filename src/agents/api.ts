// Agents in the core API: their hooks (install, uninstall) and the answer to a failed command.
import type { World } from '../core/world.js';
import { UsageError } from '../errors.js';
import type { FixesApi } from '../fixes/api.js';
import type { MemoriesApi } from '../memory/api.js';
import { memBin } from '../util/spawn.js';
import { install, parseAgent, uninstall, type HookOptions, type HookPlace, type HookResult } from './install.js';
import { recallFailure, type RecallAnswer } from './recall.js';

export type { HookOptions, HookResult, RecallAnswer };

export interface AgentsApi {
  /** Merges mem's hook into the agent's hook settings (claude-code, codex, cursor); idempotent. */
  installHook(agent: string, opts?: HookOptions): HookResult;
  /** Removes mem's hook from the agent's settings, leaving every other hook. */
  uninstallHook(agent: string, opts?: HookOptions): HookResult;
  /** What fixed a failed command before, from the agent's hook payload (PostToolUseFailure). */
  recall(payload: string): Promise<RecallAnswer>;
}

export function agentsApi(world: World, deps: { memories: () => MemoriesApi; fixes: () => FixesApi }): AgentsApi {
  const place = (): HookPlace => {
    const bin = memBin();
    if (!bin) throw new UsageError('cannot find the mem executable next to this installation');
    return { env: world.env, cwd: world.cwd, dataDir: world.paths.dataDir, now: world.now(), bin, node: process.execPath };
  };
  return {
    installHook: (agent, o) => install(place(), parseAgent(agent), o),
    uninstallHook: (agent, o) => uninstall(place(), parseAgent(agent), o),
    recall: (payload) => recallFailure(world, { memories: deps.memories(), fixes: deps.fixes() }, payload),
  };
}
