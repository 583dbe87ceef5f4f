// Fix memory: record AI fix attempts and consult what worked (as `mem fix ... --json` prints it).
import type { FastifyInstance } from 'fastify';
import { any, errors, int, str } from '../schemas.js';

const tags = ['fix memory'];
const P = '/api/v1/fixes';

const issue = {
  type: 'object',
  description: 'The issue: flat ({model, issue_type, test_prompt, actual_response, description}) or as an AI fixer writes it ({issue_data: {...}})',
  properties: {
    model: str('model name, e.g. llama3:8b'),
    issue_type: str('TIMEOUT, MODEL_NOT_AVAILABLE, UNEXPECTED_RESPONSE, NO_OUTPUT, ERROR, CUSTOM or your own'),
    test_prompt: str('the prompt that showed the issue'),
    actual_response: str('what the model answered'),
    description: str('the issue in words'),
    issue_data: { type: 'object', additionalProperties: true },
    limit: int('per list', 1, 1000),
  },
};

export function fixRoutes(app: FastifyInstance): void {
  app.post<{ Body: Record<string, unknown> }>(
    `${P}/record`,
    {
      schema: {
        tags,
        summary: 'Record a fix attempt (nested as an AI fixer writes it, or flat); model, issue_type and fix_success are required',
        body: { type: 'object', additionalProperties: true, description: 'unknown fields are kept (in extra)' },
        response: { 201: any('{id, issue_signature, created}'), 200: any('the same uid again: recorded once'), ...errors(400, 401, 413) },
      },
    },
    (req, reply) => {
      const r = req.mem.fixes.record(req.body);
      void reply.code(r.created ? 201 : 200);
      return r;
    },
  );

  /** The issue (flat or under issue_data, read by the core) and the list size, which is not part of it. */
  const issueOf = (body: Record<string, unknown>) => {
    const { limit, ...q } = body;
    return { q, limit: typeof limit === 'number' ? limit : undefined };
  };

  app.post<{ Body: Record<string, unknown> }>(
    `${P}/similar`,
    { schema: { tags, summary: 'Similar attempts in three lists: exact_matches, model_matches, type_matches', body: issue, response: { 200: any('{exact_matches, model_matches, type_matches}'), ...errors(400, 401) } } },
    (req) => {
      const { q, limit } = issueOf(req.body);
      const { issue: _issue, ...similar } = req.mem.fixes.similar(req.mem.fixes.issueFrom(q), { limit });
      return similar;
    },
  );

  app.post<{ Body: Record<string, unknown> }>(
    `${P}/context`,
    { schema: { tags, summary: 'The fix history an AI fixer pastes into its prompt, as data', body: issue, response: { 200: any('{issue, model_history, pattern, success_rates, what_worked, what_failed, strategies, similar_counts}'), ...errors(400, 401) } } },
    (req) => {
      const { q, limit } = issueOf(req.body);
      return req.mem.fixes.context(req.mem.fixes.issueFrom(q), { limit });
    },
  );

  app.get(`${P}/stats`, { schema: { tags, summary: 'Fix-attempt totals (the fixes part of `mem stats --json`)', response: { 200: any('stats'), ...errors(401) } } }, (req) => req.mem.fixes.stats());

  app.get<{ Params: { model: string }; Querystring: { limit?: number } }>(
    `${P}/models/:model`,
    {
      schema: {
        tags,
        summary: 'Model insights: success rate, common issues, effective fixes, recent attempts',
        params: { type: 'object', properties: { model: str('model name, e.g. llama3:8b') }, required: ['model'] },
        querystring: { type: 'object', properties: { limit: int('recent attempts', 1, 1000, { default: 10 }) } },
        response: { 200: any('the model’s insight and recent attempts'), ...errors(400, 401, 404) },
      },
    },
    (req) => req.mem.fixes.model(req.params.model, { limit: req.query.limit }),
  );

  app.get<{ Querystring: { days?: number; limit?: number } }>(
    `${P}/recent`,
    {
      schema: {
        tags,
        summary: 'Recent attempts, newest first',
        querystring: { type: 'object', properties: { days: int('how far back', 1, 36_500, { default: 7 }), limit: int('at most', 1, 100_000, { default: 50 }) } },
        response: { 200: any('{days, attempts}'), ...errors(400, 401) },
      },
    },
    (req) => req.mem.fixes.recent({ days: req.query.days, limit: req.query.limit }),
  );

  app.get<{ Querystring: { issue_type?: string; limit?: number } }>(
    `${P}/successful`,
    {
      schema: {
        tags,
        summary: 'The fixes that worked, per issue type',
        querystring: { type: 'object', properties: { issue_type: str('only this issue type'), limit: int('fixes per type', 1, 100, { default: 3 }) } },
        response: { 200: any('{issue_types: [...]}'), ...errors(400, 401) },
      },
    },
    (req) => ({ issue_types: req.mem.fixes.successful({ issueType: req.query.issue_type, limit: req.query.limit }) }),
  );

  app.get<{ Querystring: { issue_type?: string; limit?: number; min_attempts?: number } }>(
    `${P}/patterns`,
    {
      schema: {
        tags,
        summary: 'Issue patterns: seen, fixed, confidence, best fix',
        querystring: {
          type: 'object',
          properties: { issue_type: str('only this issue type'), limit: int('at most', 1, 100_000, { default: 20 }), min_attempts: int('seen at least', 1, 1_000_000, { default: 1 }) },
        },
        response: { 200: any('{patterns: [...]}'), ...errors(400, 401) },
      },
    },
    (req) => ({ patterns: req.mem.fixes.patterns({ issueType: req.query.issue_type, limit: req.query.limit, minAttempts: req.query.min_attempts }) }),
  );
}
