// Bundles src/ into one CommonJS file, dist/cli.cjs. One file, loaded by the CommonJS loader,
// starts faster than a tree of ES module chunks (measured ~13 ms less for `mem add`): Node's ESM
// loader pays per module, while V8 parses the parts of a single file that are never called only
// lazily. Heavy libraries that only some commands use (the embedding runtime) stay external and
// are imported on demand.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const shared = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minify: true,
  define: { MEM_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__memModuleUrl' },
  banner: { js: "const __memModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Native addons, the embedding runtime and pg (team sync only) are resolved from node_modules at run time.
  // better-sqlite3's JavaScript is bundled (its addon is loaded by path, see src/db/open.ts), so
  // `bindings`, which it would otherwise use to find the addon, is never needed.
  // The HTTP framework too: only `mem serve` loads it, from node_modules, so no other command's
  // start-up parses a byte of it.
  external: ['bindings', 'sqlite-vec', '@xenova/transformers', 'onnxruntime-node', 'ora', 'graphology', 'fastify', '@fastify/ajv-compiler', '@fastify/swagger', '@fastify/swagger-ui', 'pg', 'pg-native'],
  logLevel: 'warning',
};
// The CLI, the library (`import { openMem } from 'mem-cli'`) and the MCP server: the same core in
// three bundles. The server is apart so that no other command loads (or parses) the MCP SDK and
// zod: `mem mcp` requires dist/mcp.cjs by path.
await Promise.all([
  build({ ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.cjs' }),
  build({ ...shared, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs' }),
  build({ ...shared, entryPoints: ['src/mcp/main.ts'], outfile: 'dist/mcp.cjs' }),
  // The Ctrl-R picker, which the shells' key bindings run with node directly: no CLI parser, no
  // command table, nothing but the store, the matcher and the screen before its first paint.
  build({ ...shared, entryPoints: ['src/picker/tui/entry.ts'], outfile: 'dist/picker.cjs' }),
]);
// Type declarations for the library (`--types`: npm pack and publish; the tests do not need them).
if (process.argv.includes('--types')) {
  const tsc = spawnSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
