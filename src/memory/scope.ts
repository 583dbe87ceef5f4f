import { gitRootFinder } from '../shell/gitroot.js';

/** A project namespace: --scope, else MEM_SCOPE, else the git root of the cwd, else `default`. */
export function resolveScope(flag: unknown, env: NodeJS.ProcessEnv, cwd: string): string {
  if (typeof flag === 'string' && flag.trim()) return flag.trim();
  if (env.MEM_SCOPE?.trim()) return env.MEM_SCOPE.trim();
  return gitRootFinder()(cwd) ?? 'default';
}
