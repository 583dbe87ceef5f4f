// Loads one of mem's bundles (dist/cli.cjs for bin/mem, dist/picker.cjs for bin/mem-picker) with
// V8's code cache: V8 otherwise parses the whole bundle on every run (~20 ms of a ~190 ms `mem
// predict` here). The first run of a build writes the cache under $XDG_CACHE_HOME/mem (or
// ~/.cache/mem); later runs hand it to V8, which checks it against its own version and flags and
// falls back to a normal compile when it does not fit. Nothing here may make mem fail: without a
// writable cache directory (or with MEM_CODE_CACHE=0) it is a plain require.
// CommonJS on purpose (see package.json here): no ES module loader on the start-up path.
const fs = require('node:fs');
const path = require('node:path');

function notBuilt() {
  process.stderr.write('mem: not built yet; run `npm run build` first\n');
  process.exit(1);
}

/** FNV-1a of a string, base 36: a file name per bundle path, without loading node:crypto. */
function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : '');
  return base ? path.join(base, 'mem') : '';
}

/** mkdir -p of the cache directory and its parent, by hand: Node's recursive mkdir can spin forever
 * where mkdir(2) answers oddly (it did under /proc here). */
function makeDir(dir) {
  for (const d of [path.dirname(dir), dir]) {
    try {
      fs.mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Commands a cache grows to hold the code of, at most: each adds what its run compiled, and a
 * bigger cache takes longer to read. Measured for `mem predict` (interleaved, 40 runs): a cache of
 * its own run 157 ms, of eight commands' runs (0.7 MB) 164 ms, of `mem add`'s run alone 179 ms.
 */
const MAX_COVERED = 8;

function setV8Flag(flag) {
  const quiet = process.noDeprecation;
  try {
    process.noDeprecation = true;
    const binding = process.binding('v8');
    if (typeof binding.setFlagsFromString === 'function') return binding.setFlagsFromString(flag);
  } catch {
    // no such binding in this node
  } finally {
    process.noDeprecation = quiet;
  }
  require('node:v8').setFlagsFromString(flag);
}

function runCached(bundle, command) {
  const vm = require('node:vm');
  const Module = require('node:module');
  const dir = cacheDir();
  if (!dir || process.env.MEM_CODE_CACHE === '0') return false;
  let source;
  let stat;
  try {
    stat = fs.statSync(bundle);
    // The build keeps the bundle ASCII (scripts/build.mjs checks), so latin1 reads it exactly, and
    // ~4 ms faster than utf8 here.
    source = fs.readFileSync(bundle, 'latin1');
  } catch {
    notBuilt();
  }
  // The key names exactly this build under this node: a cache file is used only when its first
  // line matches, so a rebuilt bundle or an upgraded node never meets another build's code.
  const key = `${bundle}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}\n`;
  // One file per bundle and node: two nodes running the same mem (a version manager's in the
  // shell, the one the hooks name for the ingester) would otherwise rewrite each other's cache.
  const file = path.join(dir, `${path.basename(bundle, '.cjs')}-${fnv(`${bundle}\0${process.version}\0${process.arch}`)}.v8`);
  // The second line names the commands whose runs the cache holds the code of (see writeCache).
  let cachedData;
  let covers = [];
  try {
    const buf = fs.readFileSync(file);
    const nl = buf.indexOf(10);
    const nl2 = nl > 0 ? buf.indexOf(10, nl + 1) : -1;
    if (nl2 > 0 && buf.toString('utf8', 0, nl + 1) === key) {
      covers = buf.toString('utf8', nl + 1, nl2).split(',').filter(Boolean);
      cachedData = buf.subarray(nl2 + 1);
    }
  } catch {
    // no cache yet
  }
  // V8 trusts a code cache whose header fits: without its checksum, a cache damaged inside its body
  // (a bad sector, a bit flip) crashes node (SIGTRAP) on every run until the file is removed. With
  // it (set before the cache is made, and before it is read: it is part of the flags V8 keys a
  // cache to), a damaged cache is refused like a stale one, and rewritten. The flag is set through
  // node's own binding, as node:v8 does, because loading node:v8 costs ~4 ms (it brings stream);
  // process.binding is deprecated (quietened here), so node:v8 stays the fallback.
  setV8Flag('--verify-snapshot-checksum');
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  let writeCache;
  // A cache holds the code its writer's run compiled: a cache written by `mem init` would leave
  // `mem predict` compiling most of what it runs (~10 ms). So a command the cache was not written
  // by writes it again, with what both compiled (a few ms, once per command, for the first few).
  const grows = command !== '' && !covers.includes(command) && covers.length < MAX_COVERED;
  if (!cachedData || script.cachedDataRejected || grows) {
    const names = cachedData && !script.cachedDataRejected ? [...covers, command] : [command];
    // Written at exit, so that it holds what this command compiled beyond the top level: the
    // modules' initialisation and the work every command shares (no slower to read than a cache
    // of the top level alone, and nothing left to compile). What another command needs besides,
    // V8 compiles lazily, as without a cache, until that command's run adds it.
    writeCache = () => {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        makeDir(dir);
        fs.writeFileSync(tmp, Buffer.concat([Buffer.from(key), Buffer.from(`${names.filter(Boolean).join(',')}\n`), script.createCachedData()]), { mode: 0o600 });
        fs.renameSync(tmp, file);
        // What a writer killed mid-write left (half a megabyte each), once it is surely not writing.
        const prefix = `${path.basename(file)}.`;
        for (const f of fs.readdirSync(dir)) {
          if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
          const stale = path.join(dir, f);
          if (Date.now() - fs.statSync(stale).mtimeMs > 10 * 60_000) fs.unlinkSync(stale);
        }
      } catch {
        try {
          fs.unlinkSync(tmp);
        } catch {
          // nothing was written
        }
      }
    };
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.cache = Module._cache;
  req.main = process.mainModule;
  Module._cache[bundle] = mod;
  // import() fails in code restored from a code cache under Node 20: the bundle borrows this one
  // (src/util/import.ts).
  globalThis[Symbol.for('mem.import')] = (specifier) => import(specifier);
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  if (writeCache) process.once('exit', writeCache);
  return true;
}


/** Runs dist/NAME.cjs as the program. */
exports.runBundle = (name) => {
  const bundle = path.join(__dirname, '..', 'dist', `${name}.cjs`);
  // The command, for the cache: the first word that can be one (`mem --json predict`: predict).
  const command = name === 'cli' ? (process.argv.slice(2).find((a) => /^[a-z_][a-z0-9_-]*$/.test(a)) ?? '') : name;
  if (runCached(bundle, command)) return;
  try {
    require(bundle);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(bundle)) notBuilt();
    throw err;
  }
};
