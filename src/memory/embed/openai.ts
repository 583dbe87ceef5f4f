// The openai provider: the /embeddings HTTP API (or any compatible server via OPENAI_BASE_URL).
// Plain fetch, no SDK: one request per batch, and errors become one line that names the status.
import { describeError, EmbeddingUnavailable, normalise, type Embedder } from './types.js';
import { MemError } from '../../errors.js';


/** Dimensions of OpenAI's models, so `dim` is known before the first request. */
const KNOWN_DIMS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Statuses that say the service cannot embed now (auth, timeout, rate limit, server), whatever the input. */
function serviceUnavailable(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

interface EmbeddingsResponse {
  data?: { index: number; embedding: number[] }[];
}

export function openaiBaseUrl(env: NodeJS.ProcessEnv): string {
  return (env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/+$/, '');
}

/** Pulls `error.message` out of an OpenAI-style error body, falling back to the raw text. */
function describe(body: string): string {
  try {
    const msg = (JSON.parse(body) as { error?: { message?: string } }).error?.message;
    if (msg) return msg;
  } catch {
    // not JSON: use the text itself
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export async function loadOpenAIEmbedder(model: string, env: NodeJS.ProcessEnv): Promise<Embedder> {
  const key = env.OPENAI_API_KEY;
  if (!key) {
    throw new EmbeddingUnavailable(
      'embedding.provider is openai but OPENAI_API_KEY is not set; set it, or use embedding.provider local or none; keyword search still works',
    );
  }
  const url = `${openaiBaseUrl(env)}/embeddings`;
  let dim = KNOWN_DIMS[model] ?? 0;

  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    if (texts.length === 0) return [];
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model, input: texts, encoding_format: 'float' }),
      });
    } catch (err) {
      throw new EmbeddingUnavailable(`openai embeddings: cannot reach ${url} (${describeError(err)})`);
    }
    const body = await res.text();
    if (!res.ok) {
      const msg = `openai embeddings: HTTP ${res.status} from ${url}: ${describe(body)}`;
      // Auth, rate limits and server errors are not the texts' fault: EmbeddingUnavailable lets the
      // worker leave them pending. Anything else (400: input too long...) fails these texts.
      if (serviceUnavailable(res.status)) throw new EmbeddingUnavailable(msg);
      throw new MemError(msg, undefined, 'embedding_http');
    }
    let parsed: EmbeddingsResponse;
    try {
      parsed = JSON.parse(body) as EmbeddingsResponse;
    } catch {
      throw new MemError(`openai embeddings: ${url} returned invalid JSON`, undefined, 'embedding_http');
    }
    const data = parsed.data ?? [];
    if (data.length !== texts.length) throw new MemError(`openai embeddings: asked for ${texts.length} vectors, got ${data.length}`, undefined, 'embedding_http');
    // The API documents `index`; sort by it rather than trusting response order.
    const vectors = [...data].sort((a, b) => a.index - b.index).map((d) => normalise(Float32Array.from(d.embedding)));
    const got = vectors[0]!.length;
    if (dim && got !== dim) throw new MemError(`openai embeddings: ${model} returned ${got}-d vectors, expected ${dim}`, undefined, 'embedding_http');
    dim = got;
    return vectors;
  };

  // Models not in the table (compatible servers) are asked once, so `dim` is known up front.
  if (!dim) {
    try {
      dim = (await embed(['dimension probe']))[0]!.length;
    } catch (err) {
      if (err instanceof EmbeddingUnavailable) throw err;
      throw new EmbeddingUnavailable(`openai embeddings: model ${model} cannot embed: ${(err as Error).message}`);
    }
  }
  return { provider: 'openai', model, dim, embed };
}
