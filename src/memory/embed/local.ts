// The local provider: a sentence encoder (MiniLM by default) run in-process by transformers.js on
// onnxruntime-node. transformers.js is imported only here and only when a model is loaded: it costs
// ~200 ms of start-up and most mem commands never embed.
import { join } from 'node:path';
import { hubHost, locateModel, type ModelLocation } from './locate.js';
import { meanPoolNormalise, type TensorLike } from './pool.js';
import { EXIT_FAILURE, MemError } from '../../errors.js';
import { describeError, EmbeddingUnavailable, type Embedder, type LoadOptions } from './types.js';
import { importPackage } from '../../util/import.js';


/** The slice of transformers.js' feature-extraction pipeline that mem uses: its tokenizer and model. */
interface FeatureExtractor {
  tokenizer(texts: string[], options: { padding: boolean; truncation: boolean }): Record<string, TensorLike> & { attention_mask: TensorLike };
  model(inputs: Record<string, TensorLike>): Promise<Record<string, TensorLike | undefined>>;
}

// One pipeline per model and location per process: loading parses the ONNX graph and tokenizer
// (hundreds of ms for the real model), so repeated loadEmbedder calls reuse it. Failures are not
// kept, so a long-running worker can retry once the network or files are back.
const loaded = new Map<string, Promise<FeatureExtractor>>();
let loadsInOrder: Promise<unknown> = Promise.resolve();

async function loadPipeline(model: string, env: NodeJS.ProcessEnv, loc: ModelLocation, opts: LoadOptions): Promise<FeatureExtractor> {
  let transformers: typeof import('@xenova/transformers');
  try {
    transformers = await importPackage<typeof import('@xenova/transformers')>('@xenova/transformers');
  } catch (err) {
    throw new EmbeddingUnavailable(`the local embedding runtime (transformers.js/onnxruntime-node) cannot load: ${describeError(err)}; keyword search still works`);
  }
  const { env: tf, pipeline } = transformers;
  // transformers.js' env is process-global and read throughout a load, so loads run one at a time
  // (see `loadsInOrder`) and each sets it first. Reads go: FS cache (`cacheDir/<model>/<file>`), then
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
    return pipe;
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

export async function loadLocalEmbedder(model: string, env: NodeJS.ProcessEnv, opts: LoadOptions = {}): Promise<Embedder> {
  const loc = locateModel(model, env);
  const key = `${model}\0${loc.root}\0${loc.quantized}`;
  let pending = loaded.get(key);
  if (!pending) {
    pending = loadsInOrder.then(() => loadPipeline(model, env, loc, opts));
    loadsInOrder = pending.catch(() => undefined);
    loaded.set(key, pending);
    pending.catch(() => loaded.delete(key));
  }
  const extract = await pending;
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    try {
      // One call per batch: the tokenizer pads the batch and onnxruntime runs it as one tensor.
      const inputs = extract.tokenizer(texts, { padding: true, truncation: true });
      const outputs = await extract.model(inputs);
      const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
      if (!hidden || hidden.dims.length !== 3) throw new Error(`model output is not [batch, sequence, dim] (outputs: ${Object.keys(outputs).join(', ')})`);
      return meanPoolNormalise(hidden, inputs.attention_mask);
    } catch (err) {
      // A plain MemError, not EmbeddingUnavailable: the model loaded, so a failure here is about
      // these texts, and the worker marks them failed with backoff instead of stalling the queue.
      throw new MemError(`embedding with ${model} failed: ${describeError(err)}`, EXIT_FAILURE, 'embedding_failed');
    }
  };
  // The dimension comes from the model's output rather than a table of known models.
  let dim: number;
  try {
    dim = (await run(['dimension probe']))[0]!.length;
  } catch (err) {
    throw new EmbeddingUnavailable(`embedding model ${model} loaded but cannot embed: ${(err as Error).message}; keyword search still works`);
  }
  return {
    provider: 'local',
    model,
    dim,
    embed: async (texts) => (texts.length === 0 ? [] : run(texts)),
  };
}
