import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/** The git work tree containing `cwd`, found by looking for `.git` upwards (no git process). */
export function gitRootFinder(): (cwd: string | null) => string | null {
  const cache = new Map<string, string | null>();
  const find = (dir: string): string | null => {
    const hit = cache.get(dir);
    if (hit !== undefined) return hit;
    let root: string | null = null;
    try {
      if (existsSync(`${dir}/.git`)) root = dir;
      else {
        const up = dirname(dir);
        root = up === dir ? null : find(up);
      }
    } catch {
      root = null;
    }
    cache.set(dir, root);
    return root;
  };
  return (cwd) => (cwd && cwd.startsWith('/') ? find(cwd) : null);
}
