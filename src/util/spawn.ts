import { spawn } from 'node:child_process';

/** Starts `mem <args>` detached from this process: it outlives us and never holds our terminal. */
export function spawnDetached(args: string[], env: NodeJS.ProcessEnv): void {
  try {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
  } catch {
    // best effort: `mem embed` does the same work in the foreground
  }
}
