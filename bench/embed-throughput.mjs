#!/usr/bin/env node
// Local embedding throughput: 2,000 short memories (20-60 words) in batches of 32 through the real
// transformers.js + onnxruntime-node path, and the model load time.
//
//   node bench/embed-throughput.mjs            # generated MiniLM stand-in (offline, no weights needed)
//   MEM_MODEL_DIR=/path/to/models node bench/embed-throughput.mjs   # a real model: <dir>/Xenova/all-MiniLM-L6-v2/
//   options: --n 2000 --batch 32 --json
//
// The TypeScript sources (src/memory/embed, test/support/onnx-model.ts) are bundled on the fly with
// esbuild into a temp file; transformers.js, onnxruntime-node and onnx-proto stay external and are
// imported from this checkout's node_modules by absolute path, so nothing is written to the repo.
// The stand-in model is a Gather/Add/Mul graph, far cheaper than MiniLM's 6 transformer layers:
// with it the figure measures everything except real inference (tokenising, padding, the
// onnxruntime call, pooling, normalising, copying). Point MEM_MODEL_DIR at the real weights to
// measure the real model.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { n: { type: 'string', default: '2000' }, batch: { type: 'string', default: '32' }, json: { type: 'boolean', default: false } },
});
const N = Number(args.n);
const BATCH = Number(args.batch);
const EXTERNAL = ['@xenova/transformers', 'onnxruntime-node', 'onnx-proto'];

const work = mkdtempSync(join(tmpdir(), 'mem-embed-bench-'));
try {
  // Bundle: externals are rewritten to absolute paths so the temp bundle finds them.
  const require = createRequire(join(ROOT, 'package.json'));
  const absolute = {
    name: 'absolute-externals',
    setup(b) {
      const filter = new RegExp(`^(${EXTERNAL.map((e) => e.replace(/[/.]/g, '\\$&')).join('|')})$`);
      b.onResolve({ filter }, (a) => ({ path: pathToFileURL(resolveEsm(require, a.path)).href, external: true }));
    },
  };
  const entry = [
    `export { loadEmbedder } from './src/memory/embed/index.ts';`,
    `export { loadConfig } from './src/config/config.ts';`,
    `export { writeTestModel } from './test/support/onnx-model.ts';`,
  ].join('\n');
  const out = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'warning', plugins: [absolute],
  });
  const bundle = join(work, 'embed-bench.mjs');
  writeFileSync(bundle, out.outputFiles[0].text);
  const { loadEmbedder, loadConfig, writeTestModel } = await import(pathToFileURL(bundle).href);

  const real = Boolean(process.env.MEM_MODEL_DIR);
  const modelDir = real ? resolve(process.env.MEM_MODEL_DIR) : writeTestModel(join(work, 'models'));
  const env = {
    ...process.env,
    MEM_MODEL_DIR: modelDir,
    MEM_OFFLINE: '1',
    XDG_CONFIG_HOME: join(work, 'config'), // the user's config must not change the provider
    MEM_EMBEDDING_PROVIDER: 'local',
    MEM_EMBEDDING_BATCH_SIZE: String(BATCH),
  };
  const memories = makeMemories(N);
  const words = memories.reduce((s, m) => s + m.split(' ').length, 0);

  // Cold load: importing transformers.js + onnxruntime-node, tokenizer, session, one probe.
  const t0 = performance.now();
  await import(pathToFileURL(resolveEsm(require, '@xenova/transformers')).href);
  const tImport = performance.now() - t0;
  const embedder = await loadEmbedder(loadConfig(env), env);
  const tLoad = performance.now() - t0;

  const t1 = performance.now();
  let vectors = 0;
  for (let i = 0; i < memories.length; i += BATCH) vectors += (await embedder.embed(memories.slice(i, i + BATCH))).length;
  const secs = (performance.now() - t1) / 1000;

  const result = {
    model: real ? `${embedder.model} (from ${modelDir})` : `${embedder.model} stand-in (generated ONNX)`,
    dim: embedder.dim,
    memories: vectors,
    avg_words: Math.round(words / N),
    batch: BATCH,
    import_ms: Math.round(tImport),
    load_ms: Math.round(tLoad),
    embed_s: Number(secs.toFixed(2)),
    memories_per_s: Math.round(vectors / secs),
  };
  if (args.json) console.log(JSON.stringify(result));
  else {
    console.log(`model            ${result.model}, ${result.dim}-d`);
    console.log(`load             ${result.load_ms} ms (of which transformers.js import ${result.import_ms} ms)`);
    console.log(`embedded         ${result.memories} memories (~${result.avg_words} words) in batches of ${BATCH}: ${result.embed_s} s`);
    console.log(`throughput       ${result.memories_per_s} memories/s (target >= 150)`);
  }
} catch (err) {
  // mem's typed errors (EmbeddingUnavailable for a missing model) are one line; anything else is a bug.
  if (err?.name !== 'EmbeddingUnavailable') throw err;
  console.error(`embed-throughput: ${err.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The ESM entry of a package (require.resolve would give its CommonJS entry, if any). */
function resolveEsm(require, name) {
  return name === '@xenova/transformers' ? join(dirname(require.resolve(`${name}/package.json`)), 'src', 'transformers.js') : require.resolve(name);
}

/** Deterministic developer-ish memories, 20-60 words each (fixed-seed PRNG). */
function makeMemories(n) {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const vocab = (
    'pip install npm yarn cargo docker build push pull git rebase merge conflict branch commit ssh key ' +
    'permission denied timeout proxy certificate ssl error failed module not found import python node ' +
    'version mismatch lockfile cache clear restart service systemctl journal log disk space memory ' +
    'segfault compile linker missing header library path environment variable export config file yaml ' +
    'json parse token expired credentials login registry mirror network dns resolve port already in ' +
    'use kill process database migration schema index query slow retry fixed by setting upgrading ' +
    'downgrading pinning reinstalling the a to with after when because on in for of from'
  ).split(' ');
  return Array.from({ length: n }, () => {
    const len = 20 + Math.floor(rnd() * 41);
    return Array.from({ length: len }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' ');
  });
}
