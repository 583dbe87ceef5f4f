// The local provider: a sentence encoder (MiniLM by default) run in-process by transformers.js on
// onnxruntime-node. transformers.js is imported only here and only when a model is loaded: it costs
// ~200 ms of start-up and most mem commands never embed.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeError, EmbeddingUnavailable, type Embedder, type LoadOptions } from './types.js';

export const DEFAULT_LOCAL_MODEL = 'Xenova/all-MiniLM-L6-v2';

/** Files transformers.js reads for a BERT-style feature-extraction model (all fatal if absent). */
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const QUANTIZED_FILE = 'onnx/model_quantized.onnx';
const FP32_FILE = 'onnx/model.onnx';

/** Where a model will be read from; `download` means it is fetched into the cache first. */
export interface ModelLocation {
  source: 'dir' | 'cache' | 'download';
  /** The directory that holds `<model name>/...` (MEM_MODEL_DIR or the cache). */
  root: string;
  /** transformers.js picks `onnx/model_quantized.onnx` when true, `onnx/model.onnx` when false. */
  quantized: boolean;
}

/** Downloaded models live in mem's own cache, not inside node_modules (transformers.js' default). */
export function modelCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'mem', 'models');
}

export function isOffline(env: NodeJS.ProcessEnv): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env.MEM_OFFLINE ?? '').trim().toLowerCase());
}

/** Checks `<root>/<model>/` for a complete model; returns whether it is quantized, or null. */
function probe(root: string, model: string): { quantized: boolean } | null {
  const dir = join(root, model);
  if (!REQUIRED_FILES.every((f) => existsSync(join(dir, f)))) return null;
  if (existsSync(join(dir, QUANTIZED_FILE))) return { quantized: true };
  if (existsSync(join(dir, FP32_FILE))) return { quantized: false };
  return null;
}

/**
 * MEM_MODEL_DIR first, then the cache, then a download (quantized: 23 MB instead of 90 MB).
 * Deciding this ourselves, before transformers.js runs, gives one clear error offline instead of
 * its per-file console warnings and a "file was not found locally" message naming one file.
 */
export function locateModel(model: string, env: NodeJS.ProcessEnv): ModelLocation {
  const dir = env.MEM_MODEL_DIR ? resolve(env.MEM_MODEL_DIR) : '';
  const cache = modelCacheDir(env);
  const inDir = dir ? probe(dir, model) : null;
  if (inDir) return { source: 'dir', root: dir, ...inDir };
  const inCache = probe(cache, model);
  if (inCache) return { source: 'cache', root: cache, ...inCache };
  if (isOffline(env)) {
    const where = dir ? `MEM_MODEL_DIR (${dir}) or the model cache (${cache})` : `the model cache (${cache}) (MEM_MODEL_DIR is not set)`;
    throw new EmbeddingUnavailable(
      `no embedding model: ${model} is not in ${where} and cannot be downloaded (MEM_OFFLINE=1); keyword search still works`,
    );
  }
  return { source: 'download', root: cache, quantized: true };
}

/** The slice of transformers.js' feature-extraction pipeline that mem uses. */
type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ dims: number[]; data: Float32Array }>;

// One pipeline per model and location per process: loading parses the ONNX graph and tokenizer
// (hundreds of ms for the real model), so repeated loadEmbedder calls reuse it. Failures are not
// kept, so a long-running worker can retry once the network or files are back.
const loaded = new Map<string, Promise<FeatureExtractor>>();

/** HF_ENDPOINT (the Hub's own variable for mirrors) replaces huggingface.co as the download host. */
export function hubHost(env: NodeJS.ProcessEnv): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/*$/, '/');
}

async function loadPipeline(model: string, env: NodeJS.ProcessEnv, loc: ModelLocation, opts: LoadOptions): Promise<FeatureExtractor> {
  let transformers: typeof import('@xenova/transformers');
  try {
    transformers = await import('@xenova/transformers');
  } catch (err) {
    throw new EmbeddingUnavailable(`the local embedding runtime (transformers.js/onnxruntime-node) cannot load: ${describeError(err)}; keyword search still works`);
  }
  const { env: tf, pipeline } = transformers;
  // transformers.js' env is process-global; it is set right before each load, which the memo
  // above serialises per model. Reads go: FS cache (`cacheDir/<model>/<file>`), then
  // `localModelPath/<model>/<file>` if local models are allowed, then the Hub if remote is allowed.
  // The cache has the same layout as a model directory, so a found model (dir or cache) is read as
  // a local model. (The FS cache alone will not do offline: with allowLocalModels and
  // allowRemoteModels both false, transformers.js refuses to start even when the cache would hit.)
  if (loc.source === 'download') {
    tf.cacheDir = loc.root;
    tf.useFSCache = true;
    tf.allowLocalModels = false; // else every cache miss logs "Unable to load from local path"
    tf.allowRemoteModels = true;
    tf.remoteHost = hubHost(env);
  } else {
    tf.localModelPath = loc.root;
    tf.allowLocalModels = true;
    tf.useFSCache = false; // so a stale cached copy cannot shadow the directory the user named
    tf.allowRemoteModels = false;
  }
  // Local reads would report "progress" too (one chunk per file); a bar is only useful for downloads.
  const progress_callback = opts.onProgress && loc.source === 'download' ? forwardProgress(opts.onProgress) : undefined;
  const quiet = muteConsole();
  try {
    const pipe = await pipeline('feature-extraction', model, { quantized: loc.quantized, progress_callback });
    quiet.restore(true);
    return pipe as unknown as FeatureExtractor;
  } catch (err) {
    // A broken model file fails on onnxruntime-node first (logged, with the real reason), then on
    // the wasm fallback with a generic "Can't create a session": report the first.
    const first = quiet.restore(false).find((a): a is Error => a instanceof Error) ?? err;
    if (loc.source === 'download') {
      throw new EmbeddingUnavailable(
        `no embedding model: could not download ${model} into ${loc.root} (${describeError(first)}); put it in MEM_MODEL_DIR or retry with network; keyword search still works`,
      );
    }
    throw new EmbeddingUnavailable(`embedding model ${model} in ${join(loc.root, model)} cannot be loaded: ${describeError(first)}; keyword search still works`);
  }
}

/**
 * transformers.js and onnxruntime-web log to the console while loading (a failed onnxruntime-node
 * session is logged, retried on wasm and logged again). Held back during the load: dropped when
 * the load fails (the EmbeddingUnavailable says it once), replayed when it succeeds.
 */
function muteConsole(): { restore(replay: boolean): unknown[] } {
  const { warn, error } = console;
  const held: [typeof warn, unknown[]][] = [];
  console.warn = (...args: unknown[]) => void held.push([warn, args]);
  console.error = (...args: unknown[]) => void held.push([error, args]);
  return {
    restore(replay) {
      console.warn = warn;
      console.error = error;
      if (replay) for (const [log, args] of held) log.apply(console, args);
      return held.flatMap(([, args]) => args);
    },
  };
}

/** transformers.js reports initiate/download/progress/done/ready; only byte progress matters. */
function forwardProgress(onProgress: NonNullable<LoadOptions['onProgress']>): (e: unknown) => void {
  return (e) => {
    const p = e as { status?: string; file?: string; loaded?: number; total?: number };
    if (p.status === 'progress' && p.file) onProgress({ file: p.file, loaded: p.loaded ?? 0, total: p.total ?? 0 });
  };
}

/** Splits the pipeline's [n, dim] tensor into one copied vector per text. */
function rows(out: { dims: number[]; data: Float32Array }, n: number): Float32Array[] {
  const [count, dim] = out.dims;
  if (out.dims.length !== 2 || count !== n || !dim) throw new Error(`unexpected embedding shape [${out.dims.join(', ')}] for ${n} texts`);
  return Array.from({ length: n }, (_, i) => out.data.slice(i * dim, (i + 1) * dim));
}

export async function loadLocalEmbedder(model: string, env: NodeJS.ProcessEnv, opts: LoadOptions = {}): Promise<Embedder> {
  const loc = locateModel(model, env);
  const key = `${model}\0${loc.root}\0${loc.quantized}`;
  let pending = loaded.get(key);
  if (!pending) {
    pending = loadPipeline(model, env, loc, opts);
    loaded.set(key, pending);
    pending.catch(() => loaded.delete(key));
  }
  const extract = await pending;
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    try {
      // One call per batch: the tokenizer pads the batch and onnxruntime runs it as one tensor.
      return rows(await extract(texts, { pooling: 'mean', normalize: true }), texts.length);
    } catch (err) {
      throw new EmbeddingUnavailable(`embedding with ${model} failed: ${describeError(err)}`);
    }
  };
  // The dimension comes from the model's output rather than a table of known models.
  const dim = (await run(['dimension probe']))[0]!.length;
  return {
    provider: 'local',
    model,
    dim,
    embed: async (texts) => (texts.length === 0 ? [] : run(texts)),
  };
}
