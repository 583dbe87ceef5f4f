// The memory store: memories as a REST resource, with filters, pages and a cursor, partial
// updates, soft deletes, bulk creation with partial failures, and embedding retries.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ListOptions } from '../../memory/api.js';
import { EMBEDDING_STATUSES, KINDS, SOURCES } from '../../memory/model.js';
import type { ServerContext } from '../context.js';
import { sendError } from '../errors.js';
import { any, errors, idParam, int, str } from '../schemas.js';

const tags = ['memories'];
const BULK_MAX = 100;

/** A preHandler that takes `count(req)` creations from the user's rate limit, or answers 429. */
export function creations(ctx: ServerContext, count: (req: FastifyRequest) => number) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const n = count(req);
    const v = ctx.limiter.take(req.who, n);
    if (v.ok) return;
    const why =
      n > ctx.limiter.perMinute
        ? `${n} memories at once is over the limit of ${ctx.limiter.perMinute} a minute; send fewer`
        : `rate limit: at most ${ctx.limiter.perMinute} memories a minute; try again in ${v.retryAfter} s`;
    await sendError(reply, { status: 429, code: 'rate_limited', message: why, headers: { 'retry-after': String(v.retryAfter) } });
  };
}

interface ListQuery {
  kind?: string;
  tag?: string;
  source?: string;
  embedding_status?: string;
  scope?: string;
  created_after?: string;
  created_before?: string;
  sort_by?: string;
  sort_order?: 'asc' | 'desc';
  page?: number;
  per_page?: number;
  cursor?: string;
}

export function memoryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/memories',
    {
      schema: {
        tags,
        summary: 'Create a memory; returns at once (embedding_status pending). Identical content of the same kind and scope returns the stored one (200). Rate-limited per user',
        body: { $ref: 'MemoryInput#' },
        response: { 201: { $ref: 'Memory#' }, 200: { $ref: 'Memory#' }, ...errors(400, 401, 413, 429) },
      },
      preHandler: creations(ctx, () => 1),
    },
    (req, reply) => {
      const r = req.mem.memories.add(req.body);
      void reply.code(r.created ? 201 : 200);
      return r.memory;
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/memories',
    {
      schema: {
        tags,
        summary: 'List memories with filters, sorted, by page or cursor; every scope unless one is given',
        querystring: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: KINDS },
            tag: str('with this tag'),
            source: { type: 'string', enum: SOURCES },
            embedding_status: { type: 'string', enum: EMBEDDING_STATUSES },
            scope: str('only this project namespace'),
            created_after: str('ISO 8601, epoch ms, or an age such as 7d'),
            created_before: str('ISO 8601, epoch ms, or an age such as 7d'),
            sort_by: { type: 'string', enum: ['created_at', 'updated_at', 'accessed_at'], default: 'created_at' },
            sort_order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
            page: int('page number', 1, 1_000_000, { default: 1 }),
            per_page: int('memories per page', 1, 100, { default: 20 }),
            cursor: str('meta.next_cursor of the previous page'),
          },
        },
        response: { 200: { $ref: 'MemoryList#' }, ...errors(400, 401) },
      },
    },
    (req) => {
      const q = req.query;
      return req.mem.memories.list({
        kind: q.kind,
        tag: q.tag,
        source: q.source,
        status: q.embedding_status,
        scope: q.scope,
        allScopes: q.scope === undefined,
        after: q.created_after,
        before: q.created_before,
        sort: (q.sort_by ?? 'created_at').replace(/_at$/, '') as ListOptions['sort'],
        order: q.sort_order,
        page: q.page,
        perPage: q.per_page,
        cursor: q.cursor,
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/memories/:id',
    { schema: { tags, summary: 'One memory', params: idParam, response: { 200: { $ref: 'Memory#' }, ...errors(400, 401, 404) } } },
    (req) => req.mem.memories.get(req.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { content?: string; title?: string; tags?: unknown; metadata?: Record<string, unknown> } }>(
    '/api/v1/memories/:id',
    {
      schema: { tags, summary: 'Change only the fields given; new content is embedded again', params: idParam, body: { $ref: 'MemoryPatch#' }, response: { 200: { $ref: 'Memory#' }, ...errors(400, 401, 404) } },
    },
    (req) => req.mem.memories.edit(req.params.id, req.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/memories/:id',
    { schema: { tags, summary: 'Delete (soft: kept in the audit trail, gone from lists and searches)', params: idParam, response: { 204: { type: 'null', description: 'deleted' }, ...errors(400, 401, 404) } } },
    async (req, reply) => {
      req.mem.memories.remove(req.params.id);
      await reply.code(204).send();
    },
  );

  app.post<{ Body: { memories: unknown[] } }>(
    '/api/v1/memories/bulk',
    {
      schema: {
        tags,
        summary: `Create up to ${BULK_MAX} memories; valid ones are stored together, invalid ones reported by position (line, from 1)`,
        body: {
          type: 'object',
          properties: { memories: { type: 'array', minItems: 1, maxItems: BULK_MAX, items: { type: 'object', description: 'a MemoryInput; checked one by one' } } },
          required: ['memories'],
        },
        response: { 200: any('{created, duplicates, failed, errors: [{line, error}], ids}'), ...errors(400, 401, 413, 429) },
      },
      preHandler: creations(ctx, (req) => (req.body as { memories: unknown[] }).memories.length),
    },
    (req) => req.mem.memories.addMany(req.body.memories.map((value, i) => ({ line: i + 1, value }))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/memories/:id/retry-embedding',
    {
      schema: {
        tags,
        summary: 'Give a memory whose embedding failed a fresh set of attempts (pending again)',
        params: idParam,
        response: { 200: { $ref: 'Memory#' }, ...errors(400, 401, 404, 409) },
      },
    },
    (req) => req.mem.memories.retryEmbedding(req.params.id),
  );
}
