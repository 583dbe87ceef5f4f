// Dynamic import of the packages mem loads only when needed and that are ES modules or heavy (ora,
// pg, transformers.js). bin/mem compiles the CLI's bundle with V8's code cache, and under Node 20
// an `import()` inside code restored from that cache fails ("A dynamic import callback was not
// specified"); so bin/mem lends its own import() (registered under this symbol), and everything
// else (the library, the MCP and picker bundles, the tests) uses the built-in one.
const LAUNCHER_IMPORT = Symbol.for('mem.import');

export function importPackage<T>(specifier: 'ora' | 'pg' | '@xenova/transformers'): Promise<T> {
  const viaLauncher = (globalThis as { [LAUNCHER_IMPORT]?: (s: string) => Promise<unknown> })[LAUNCHER_IMPORT];
  return (viaLauncher ? viaLauncher(specifier) : import(specifier)) as Promise<T>;
}
