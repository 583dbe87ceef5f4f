// Bundles src/ into dist/ with esbuild. Code splitting keeps every command's module (and the heavy
// libraries it alone uses) in its own chunk, so `mem <cmd>` loads only what that command needs.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts', 'src/ingest-worker.ts'].filter((f) => existsSync(f)),
  define: { MEM_VERSION: JSON.stringify(pkg.version) },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minify: true,
  keepNames: false,
  // Native addons and the embedding runtime are resolved from node_modules at run time.
  // better-sqlite3's JavaScript is bundled (its addon is loaded by path, see src/db/open.ts), so
  // `bindings`, which it would otherwise use to find the addon, is never needed.
  external: ['bindings', 'sqlite-vec', '@xenova/transformers', 'onnxruntime-node'],
  // Some bundled CommonJS packages call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __memCreateRequire } from 'node:module'; const require = __memCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
