// Task memory: store and search task memories, context for a task, and learned patterns with
// feedback. Responses as the CLI's `--json` prints them.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { any, errors, int, str } from '../schemas.js';
import { creations } from './memories.js';

const tags = ['task memory'];
const PATTERN_TYPES = ['success', 'failure', 'optimization'];

interface SearchBody {
  query: string;
  top_k?: number;
  kind?: string;
  tag?: string;
  threshold?: number;
  success_only?: boolean;
  mode?: 'hybrid' | 'semantic' | 'keyword';
  scope?: string;
}

export function taskRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/memory/store',
    {
      schema: {
        tags,
        summary: 'Store a task memory (kind task unless given); rate-limited per user',
        body: { $ref: 'MemoryInput#' },
        response: { 201: any('{id, created, duplicate_of, embedding_status, scope}'), 200: any('already stored: the existing id'), ...errors(400, 401, 413, 429) },
      },
      preHandler: creations(ctx, () => 1),
    },
    (req, reply) => {
      const r = req.mem.memories.add({ kind: 'task', ...req.body });
      void reply.code(r.created ? 201 : 200);
      return { id: r.memory.id, created: r.created, duplicate_of: r.duplicate_of, embedding_status: r.memory.embedding_status, scope: r.memory.scope };
    },
  );

  app.post<{ Body: SearchBody }>(
    '/api/v1/memory/search',
    {
      schema: {
        tags,
        summary: 'Hybrid search (meaning and keywords) over memories; every scope unless one is given',
        body: {
          type: 'object',
          properties: {
            query: str('what to look for', { minLength: 1 }),
            top_k: int('how many results', 1, 100, { default: 5 }),
            kind: str('only this kind'),
            tag: str('only with this tag'),
            threshold: { type: 'number', minimum: 0, maximum: 1, description: 'minimum cosine similarity (semantic side)' },
            success_only: { type: 'boolean' },
            mode: { type: 'string', enum: ['hybrid', 'semantic', 'keyword'] },
            scope: str('only this project namespace'),
          },
          required: ['query'],
        },
        response: { 200: any('{query, mode, notice, results}'), ...errors(400, 401) },
      },
    },
    async (req) => {
      const b = req.body;
      const r = await req.mem.memories.search(b.query, {
        topK: b.top_k,
        kind: b.kind,
        tag: b.tag,
        threshold: b.threshold,
        successOnly: b.success_only,
        mode: b.mode,
        scope: b.scope,
        allScopes: b.scope === undefined,
      });
      return { query: b.query, mode: r.mode, notice: r.notice, results: r.results };
    },
  );

  app.get<{ Params: { task_id: string }; Querystring: { top_k?: number } }>(
    '/api/v1/memory/tasks/:task_id/context',
    {
      schema: {
        tags,
        summary: 'Context for a recorded task: similar tasks with outcomes, matching patterns, related fixes and workflows, recommendations',
        params: { type: 'object', properties: { task_id: str('a memory id, or the task_id memories were stored with') }, required: ['task_id'] },
        querystring: { type: 'object', properties: { top_k: int('similar tasks', 1, 50, { default: 3 }) } },
        response: { 200: any('{task_id, task_memory_id, task, similar_tasks, matching_patterns, related_fixes, related_workflows, recommendations, notice}'), ...errors(400, 401, 404) },
      },
    },
    async (req) => {
      const { notice_said: _said, ...ctx } = await req.mem.taskContextFor(req.params.task_id, { topK: req.query.top_k });
      return ctx;
    },
  );

  app.get<{ Querystring: { pattern_type?: string; limit?: number; scope?: string } }>(
    '/api/v1/memory/patterns',
    {
      schema: {
        tags,
        summary: 'Learned patterns, most confident first',
        querystring: { type: 'object', properties: { pattern_type: { type: 'string', enum: PATTERN_TYPES }, limit: int('at most', 1, 1000, { default: 20 }), scope: str('only this scope') } },
        response: { 200: any('{patterns: [...]}'), ...errors(400, 401) },
      },
    },
    (req) => ({ patterns: req.mem.patterns.list({ type: req.query.pattern_type, limit: req.query.limit, scope: req.query.scope }) }),
  );

  app.post<{ Body: { match: string; pattern_type: string; min_samples?: number; scope?: string } }>(
    '/api/v1/memory/patterns/extract',
    {
      schema: {
        tags,
        summary: 'Learn what separates successful from failed task memories matching a regex',
        body: {
          type: 'object',
          properties: {
            match: str('a regular expression over task titles and content', { minLength: 1, maxLength: 1000 }),
            pattern_type: { type: 'string', enum: PATTERN_TYPES },
            min_samples: int('matching tasks with an outcome needed', 1, 100_000, { default: 3 }),
            scope: str('the project namespace (default: default)'),
          },
          required: ['match', 'pattern_type'],
        },
        response: { 200: any('the pattern, with updated: true when it replaced an earlier derivation'), ...errors(400, 401, 422) },
      },
    },
    async (req) => {
      const b = req.body;
      const { pattern, updated } = await req.mem.patterns.extract({ match: b.match, type: b.pattern_type, minSamples: b.min_samples, scope: b.scope });
      return { ...pattern, updated };
    },
  );

  app.post<{ Params: { id: string }; Body: { helpful: boolean; adjust?: number } }>(
    '/api/v1/memory/patterns/:id/feedback',
    {
      schema: {
        tags,
        summary: 'Say whether a pattern helped; its confidence moves by `adjust`',
        params: { type: 'object', properties: { id: str('pattern id (or a unique prefix)') }, required: ['id'] },
        body: { type: 'object', properties: { helpful: { type: 'boolean' }, adjust: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.1 } }, required: ['helpful'] },
        response: { 200: any('the pattern'), ...errors(400, 401, 404) },
      },
    },
    (req) => req.mem.patterns.feedback(req.params.id, req.body.helpful, req.body.adjust),
  );
}
