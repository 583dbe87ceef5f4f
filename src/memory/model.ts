// What a memory is: kinds, sources, limits, and its shape in JSON output.

export const KINDS = ['note', 'meeting_note', 'task', 'insight', 'decision', 'solution', 'error', 'code_pattern', 'experience', 'contact', 'file', 'custom'] as const;
export const SOURCES = ['manual', 'chat', 'file', 'integration', 'ai_extracted', 'shell', 'fix'] as const;
export const EMBEDDING_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type Kind = (typeof KINDS)[number];
export type EmbeddingStatus = (typeof EMBEDDING_STATUSES)[number];

export const MEMORY_LIMITS = { content: 50_000, title: 500, tags: 100, tag: 100, bulkLines: 10_000 } as const;
/** Cosine similarity from which a new memory is reported as a near-duplicate of an older one. */
export const NEAR_DUPLICATE = 0.92;

export interface Memory {
  id: string;
  kind: string;
  title: string;
  content: string;
  tags: string[];
  metadata: Record<string, unknown>;
  source: string;
  source_id: string | null;
  scope: string;
  success: boolean | null;
  task_id: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
  accessed_at: string | null;
  deleted_at: string | null;
  reused_count: number;
  content_hash: string;
  embedding_status: EmbeddingStatus;
  embedding_model: string | null;
  embedding_updated_at: string | null;
  embedding_error: string | null;
  near_duplicate_of: string | null;
}

export interface MemoryRow {
  n: number;
  id: string;
  kind: string;
  title: string;
  content: string;
  tags: string;
  metadata: string;
  source: string;
  source_id: string | null;
  scope: string;
  success: number | null;
  task_id: string | null;
  language: string | null;
  created_at: number;
  updated_at: number;
  accessed_at: number | null;
  deleted_at: number | null;
  reused_count: number;
  content_hash: string;
  embedding_status: EmbeddingStatus;
  embedding_model: string | null;
  embedding_dim: number | null;
  embedding_updated_at: number | null;
  embedding_error: string | null;
  embedding_attempts: number;
  near_duplicate_of: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toMemory(r: MemoryRow): Memory {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    content: r.content,
    tags: JSON.parse(r.tags) as string[],
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    source: r.source,
    source_id: r.source_id,
    scope: r.scope,
    success: r.success === null ? null : r.success === 1,
    task_id: r.task_id,
    language: r.language,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    accessed_at: iso(r.accessed_at),
    deleted_at: iso(r.deleted_at),
    reused_count: r.reused_count,
    content_hash: r.content_hash,
    embedding_status: r.embedding_status,
    embedding_model: r.embedding_model,
    embedding_updated_at: iso(r.embedding_updated_at),
    embedding_error: r.embedding_error,
    near_duplicate_of: r.near_duplicate_of,
  };
}
