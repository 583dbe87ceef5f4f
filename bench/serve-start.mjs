// Starts `mem serve` (BIN, on an ephemeral port, no rate limit) for a benchmark and resolves with
// its URL once it listens. Used by bench/serve.mjs and bench/serve-reads.mjs.
import { spawn } from 'node:child_process';

export function startServer(bin, env) {
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--rate-limit', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ server, url: m[1] });
    });
    server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}
