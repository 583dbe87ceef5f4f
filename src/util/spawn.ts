import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let bin: string | null | undefined;

/**
 * mem's own executable, found from this module (dist/cli.cjs, dist/index.cjs or src/util/ under
 * tests) rather than from process.argv: a program using mem as a library is not mem.
 */
export function memBin(): string | null {
  if (bin !== undefined) return bin;
  for (let dir = dirname(fileURLToPath(import.meta.url)), i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'bin', 'mem');
    if (existsSync(candidate)) return (bin = candidate);
  }
  return (bin = null);
}

/** Starts `mem <args>` detached from this process: it outlives us and never holds our terminal. */
export function spawnMem(args: string[], env: NodeJS.ProcessEnv): void {
  const path = memBin();
  if (!path) return;
  try {
    const child = spawn(process.execPath, [path, ...args], { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
  } catch {
    // best effort: the same work is done in the foreground by the command that needs it
  }
}
