// Picks the embedding provider from config. Callers get null for `none` (keyword search only) and
// an EmbeddingUnavailable when the provider cannot work here. Importing this module is cheap:
// transformers.js is imported inside loadLocalEmbedder, only when a local model is loaded.
import type { Config } from '../../config/config.js';
import { UsageError } from '../../errors.js';
import { loadLocalEmbedder } from './local.js';
import { loadOpenAIEmbedder } from './openai.js';
import { defaultModelFor, type Embedder, type LoadOptions } from './types.js';

export { EmbeddingUnavailable, type Embedder, type EmbeddingProvider, type EmbedProgress, type LoadOptions } from './types.js';
export { isOffline, locateModel, modelCacheDir, type ModelLocation } from './locate.js';

/** The configured embedder, or null for `embedding.provider = none`. */
export async function loadEmbedder(config: Config, env: NodeJS.ProcessEnv, opts: LoadOptions = {}): Promise<Embedder | null> {
  const provider = config.get<string>('embedding.provider');
  if (provider === 'none') return null;
  if (provider !== 'local' && provider !== 'openai') throw new UsageError(`config embedding.provider: unknown provider '${provider}'`, 'bad_config');
  const model = config.get<string>('embedding.model') || defaultModelFor(provider);
  return provider === 'local' ? loadLocalEmbedder(model, env, opts) : loadOpenAIEmbedder(model, env);
}
