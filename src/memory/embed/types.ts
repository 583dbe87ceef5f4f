// What the rest of mem sees of an embedding model: a provider, a model name, a fixed dimension and
// a batch call that returns unit vectors (so cosine similarity is a plain dot product downstream).
import { EXIT_FAILURE, MemError } from '../../errors.js';

export type EmbeddingProvider = 'local' | 'openai';

export const DEFAULT_LOCAL_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_OPENAI_MODEL = 'text-embedding-3-small';

/** The model a provider uses when `embedding.model` is empty. */
export function defaultModelFor(provider: string): string {
  return provider === 'openai' ? DEFAULT_OPENAI_MODEL : DEFAULT_LOCAL_MODEL;
}

export interface Embedder {
  readonly provider: EmbeddingProvider;
  readonly model: string;
  readonly dim: number;
  /** One vector per text, in order, each L2-normalised. The caller chooses the batch size. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Download progress of one model file, as transformers.js reports it (bytes). */
export interface EmbedProgress {
  file: string;
  loaded: number;
  total: number;
}

export interface LoadOptions {
  /** Called while model files download, so the command layer can draw a bar. */
  onProgress?: (p: EmbedProgress) => void;
}

/**
 * No usable embedding model (missing files offline, missing API key, failed download). A typed,
 * one-line error rather than a stack trace: semantic search is optional and keyword search still
 * works, so callers may catch this and degrade instead of failing.
 */
export class EmbeddingUnavailable extends MemError {
  constructor(message: string) {
    super(oneLine(message), EXIT_FAILURE, 'embedding_unavailable');
    this.name = 'EmbeddingUnavailable';
  }
}

/** Error text from libraries is often multi-line; mem's errors are one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** First line of an error, with the network cause (ECONNREFUSED, ENOTFOUND...) behind a bare "fetch failed". */
export function describeError(err: unknown): string {
  const text = oneLine((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '');
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const detail = cause?.code ?? cause?.message;
  return detail && !text.includes(detail) ? `${text}: ${detail}` : text;
}

/** Scales a vector to unit length in place (a zero vector stays zero rather than becoming NaN). */
export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}
