// Bundles src/ into one CommonJS file, dist/cli.cjs. One file, loaded by the CommonJS loader,
// starts faster than a tree of ES module chunks (measured ~13 ms less for `mem add`): Node's ESM
// loader pays per module, while V8 parses the parts of a single file that are never called only
// lazily. Heavy libraries that only some commands use (the embedding runtime) stay external and
// are imported on demand.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
// Node built-ins that cost milliseconds to load (child_process brings net, dgram and stream;
// crypto its whole tree) but that most runs never call: commander requires child_process for
// executable subcommands mem has none of, and the stores import randomUUID for writes that a
// `mem predict` never makes. Each is bundled as a stand-in whose exports are getters, and the
// real module is required on the first use of one of them (~10 ms off every start-up here).
const LAZY_BUILTINS = ['child_process', 'crypto', 'worker_threads', 'readline/promises', 'tty'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|').replace('/', '\\/')})$`);
    // (The stand-in's own require of the real module resolves as usual: to the built-in.)
    b.onResolve({ filter }, (args) => (args.namespace === 'lazy-builtin' ? undefined : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((k) => k !== 'default');
      const getters = names.map((k) => `  get ${JSON.stringify(k)}() { return load()[${JSON.stringify(k)}]; },`).join('\n');
      return {
        contents: `let m;\nconst load = () => (m ??= require('node:${args.path}'));\nmodule.exports = {\n${getters}\n};\n`,
        loader: 'js',
      };
    });
  },
};
// chalk detects the terminal's colour support when it loads (supports-color: tty, env, argv), for
// its default instance, which mem never uses: mem decides colour itself (output.color, NO_COLOR,
// whether stdout is a terminal) and gives chalk the level. The detection is replaced by "none",
// which saves loading tty (and net behind it) for output to a pipe or a file (~4 ms).
const chalkNoDetection = {
  name: 'chalk-no-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: 'supports-color', namespace: 'chalk-no-detection' }));
    b.onLoad({ filter: /.*/, namespace: 'chalk-no-detection' }, () => ({
      contents: 'export const createSupportsColor = () => false;\nexport default { stdout: false, stderr: false };\n',
      loader: 'js',
    }));
  },
};
// openMem's capabilities, loaded on first use (see src/core/capabilities.lazy.ts).
const lazyCapabilities = {
  name: 'lazy-capabilities',
  setup(b) {
    b.onResolve({ filter: /^\.\/capabilities\.js$/ }, (args) =>
      /[\\/]src[\\/]core[\\/]mem\.ts$/.test(args.importer) ? { path: fileURLToPath(new URL('../src/core/capabilities.lazy.ts', import.meta.url)) } : undefined,
    );
  },
};
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
  plugins: [lazyBuiltins, chalkNoDetection, lazyCapabilities],
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
// bin/load.cjs reads the CLI and picker bundles as latin1 (faster than utf8), exact only for ASCII;
// esbuild escapes non-ASCII everywhere but in regular expression literals: write those with \u.
// And import() in code restored from V8's code cache fails under Node 20: those bundles import
// packages only through src/util/import.ts, which borrows the loader's import().
for (const name of ['cli', 'picker']) {
  const code = readFileSync(new URL(`../dist/${name}.cjs`, import.meta.url), 'latin1');
  const nonAscii = /[^\x00-\x7f]/.exec(code);
  if (nonAscii) throw new Error(`dist/${name}.cjs is not ASCII (a regex literal with ${JSON.stringify(nonAscii[0])}?): bin/load.cjs reads it as latin1`);
  if (/\bimport\("/.test(code)) throw new Error(`dist/${name}.cjs has an import("..."): use importPackage (src/util/import.ts)`);
}
// Type declarations for the library (`--types`: npm pack and publish; the tests do not need them).
if (process.argv.includes('--types')) {
  const tsc = spawnSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
