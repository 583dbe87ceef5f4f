// The JSON schemas that validate requests and describe responses; @fastify/swagger builds
// /openapi.json from the same objects, so the documentation cannot drift from what is checked.
// Types are checked here; meaning (a kind's name, a limit, a regex's safety) is checked by the
// core, which names the field either way.
import { EMBEDDING_STATUSES, KINDS, MEMORY_LIMITS, SOURCES } from '../memory/model.js';
import { EVENT_TYPES } from '../events/api.js';

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });
const int = (description: string, minimum: number, maximum: number, extra: Record<string, unknown> = {}) => ({ type: 'integer', minimum, maximum, description, ...extra });
const nullable = (type: string, description: string) => ({ type: [type, 'null'], description });
const object = (description: string) => ({ type: 'object', additionalProperties: true, description });

export const ErrorBody = {
  $id: 'Error',
  type: 'object',
  description: 'Every error: a stable code, one line of message, and the field at fault when there is one.',
  properties: {
    error: {
      type: 'object',
      properties: { code: str('stable error code: bad_input, unauthorized, not_found, rate_limited, payload_too_large, conflict, ...'), message: str('one line'), field: str('the request field at fault') },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

export const Memory = {
  $id: 'Memory',
  type: 'object',
  additionalProperties: true,
  properties: {
    id: str('uuid'),
    kind: { type: 'string', enum: KINDS },
    title: { type: 'string' },
    content: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    metadata: object('free-form'),
    source: { type: 'string', enum: SOURCES },
    source_id: nullable('string', 'id of the item in its source'),
    scope: str('project namespace'),
    success: nullable('boolean', 'outcome of a task or experience'),
    task_id: nullable('string', 'the task this belongs to'),
    language: nullable('string', 'programming or natural language'),
    created_at: str('ISO 8601'),
    updated_at: str('ISO 8601'),
    accessed_at: nullable('string', 'ISO 8601'),
    deleted_at: nullable('string', 'ISO 8601'),
    reused_count: { type: 'integer' },
    content_hash: { type: 'string' },
    embedding_status: { type: 'string', enum: EMBEDDING_STATUSES },
    embedding_model: nullable('string', 'model of the stored vector'),
    embedding_updated_at: nullable('string', 'ISO 8601'),
    embedding_error: nullable('string', 'why the last embedding failed'),
    near_duplicate_of: nullable('string', 'an older memory this one is nearly identical to (cosine >= 0.92)'),
  },
} as const;

const memoryFields = {
  content: str('the text', { minLength: 1, maxLength: MEMORY_LIMITS.content }),
  kind: { type: 'string', enum: KINDS, description: 'default note (task for /api/v1/memory/store)' },
  title: str('a short title', { maxLength: MEMORY_LIMITS.title }),
  tags: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: MEMORY_LIMITS.tags }], description: 'a list, or a comma-separated string' },
  metadata: object('free-form key/values'),
  source: { type: 'string', enum: SOURCES },
  source_id: str('id of the item in its source'),
  scope: str('project namespace (default: default)'),
  success: nullable('boolean', 'outcome of a task or experience'),
  task_id: str('the task this belongs to'),
  language: str('programming or natural language'),
};

export const MemoryInput = {
  $id: 'MemoryInput',
  type: 'object',
  description: 'A memory to store; secrets in any field are redacted before it is written.',
  properties: memoryFields,
  required: ['content'],
} as const;

export const MemoryPatch = {
  $id: 'MemoryPatch',
  type: 'object',
  description: 'Only the fields given change; new content is embedded again (embedding_status pending).',
  properties: { content: memoryFields.content, title: memoryFields.title, tags: memoryFields.tags, metadata: memoryFields.metadata },
  minProperties: 1,
} as const;

export const MemoryList = {
  $id: 'MemoryList',
  type: 'object',
  properties: {
    data: { type: 'array', items: { $ref: 'Memory#' } },
    meta: {
      type: 'object',
      properties: {
        page: { type: 'integer', description: '0 when paging by cursor' },
        per_page: { type: 'integer' },
        total: { type: 'integer' },
        total_pages: { type: 'integer' },
        next_cursor: nullable('string', 'pass as ?cursor= for the next page'),
      },
    },
  },
} as const;

export const SHARED = [ErrorBody, Memory, MemoryInput, MemoryPatch, MemoryList];

export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { $ref: 'Error#', description: ERROR_TEXT[c] }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid input; error.field names the field',
  401: 'no valid bearer token',
  404: 'not found (another user’s ids are never found)',
  409: 'conflict with the current state',
  413: 'body over 1 MB',
  422: 'refused by the data (e.g. too few samples)',
  429: 'rate limit: see the Retry-After header',
};

export const any = (description: string) => ({ description, type: 'object', additionalProperties: true });

export const idParam = { type: 'object', properties: { id: str('a memory id (or a unique prefix of 6+ characters)') }, required: ['id'] } as const;

export const eventTypes = EVENT_TYPES;

export { int, str, object };
