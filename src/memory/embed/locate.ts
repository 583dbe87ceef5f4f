// Where a local model is read from: MEM_MODEL_DIR, then mem's model cache, then a download. Decided
// before transformers.js is imported, so a missing model offline costs nothing and says so once.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddingUnavailable } from './types.js';

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

/** HF_ENDPOINT (the Hub's own variable for mirrors) replaces huggingface.co as the download host. */
export function hubHost(env: NodeJS.ProcessEnv): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/*$/, '/');
}
