// The procedural engine the project descends from: learn command sequences, predict the next
// command, learned workflows, named bundles, health and stats (request and response fields as
// the engine had them; responses as `mem ... --json` prints them).
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { any, errors, int, str } from '../schemas.js';

const tags = ['procedural engine'];
const command = { anyOf: [{ type: 'string' }, { type: 'object', properties: { command: { type: 'string' }, exit_code: { type: ['integer', 'null'] }, cwd: { type: ['string', 'null'] } }, required: ['command'] }] };

export function proceduralRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: { session_commands: unknown[]; session_outcome?: string } }>(
    '/learn',
    {
      schema: {
        tags,
        summary: 'Learn a session of commands and its outcome; predictions change at once',
        body: {
          type: 'object',
          properties: {
            session_commands: { type: 'array', minItems: 1, maxItems: 10_000, items: command, description: 'the commands in order: strings or {command, exit_code, cwd}' },
            session_outcome: { type: 'string', enum: ['success', 'failure'] },
          },
          required: ['session_commands'],
        },
        response: { 200: any('{sessions, commands, filtered, learned}'), ...errors(400, 401) },
      },
    },
    (req) => req.mem.predict.learn([{ line: 1, value: req.body }]),
  );

  app.post<{ Body: { current_context?: string | (string | { command: string })[]; top_k?: number; cwd?: string; session?: string } }>(
    '/predict',
    {
      schema: {
        tags,
        summary: 'The most likely next commands, with confidence, reason and alternatives',
        body: {
          type: 'object',
          properties: {
            current_context: { anyOf: [{ type: 'string' }, { type: 'array', maxItems: 100, items: command }], description: 'the last command(s), oldest first (default: the latest session)' },
            top_k: int('how many predictions', 1, 20, { default: 3 }),
            cwd: str('the directory to predict for'),
            session: str('predict after this shell session’s last commands'),
          },
        },
        response: { 200: any('{predictions: [{next_command, template, confidence, reason, auto_suggestions}], context, learning_backlog}'), ...errors(400, 401) },
      },
    },
    (req) => {
      const b = req.body ?? {};
      const list = typeof b.current_context === 'string' ? [b.current_context] : (b.current_context ?? []);
      const context = list.map((c) => (typeof c === 'string' ? c : c.command)).filter((c) => c.trim());
      return req.mem.predict.next({ context, topK: b.top_k, cwd: b.cwd, session: b.session });
    },
  );

  app.get<{ Querystring: { min_count?: number; limit?: number; cwd?: string } }>(
    '/patterns',
    {
      schema: {
        tags,
        summary: 'Learned workflows: command sequences that recur across sessions',
        querystring: { type: 'object', properties: { min_count: int('seen at least this often', 2, 1_000_000), limit: int('at most', 1, 1000), cwd: str('usually run in this directory') } },
        response: { 200: any('{workflows: [...]}'), ...errors(400, 401) },
      },
    },
    (req) => ({ workflows: req.mem.predict.workflows({ minCount: req.query.min_count, limit: req.query.limit, cwd: req.query.cwd }) }),
  );

  const bundleBody = { type: 'object', properties: { filename: str('a file name in the server’s bundle directory (no path)', { default: 'mem-bundle.json' }) } };
  app.post<{ Body: { filename?: string } }>(
    '/save',
    { schema: { tags, summary: 'Export everything to a named bundle on the server', body: bundleBody, response: { 200: any('{filename, counts}'), ...errors(400, 401) } } },
    (req) => req.mem.maintenance.saveBundle(req.body?.filename ?? 'mem-bundle.json'),
  );
  app.post<{ Body: { filename?: string; dry_run?: boolean } }>(
    '/load',
    {
      schema: {
        tags,
        summary: 'Import a named bundle (validated whole first; importing twice changes nothing)',
        body: { ...bundleBody, properties: { ...bundleBody.properties, dry_run: { type: 'boolean', description: 'validate and count, write nothing' } } },
        response: { 200: any('the import report'), ...errors(400, 401, 404) },
      },
    },
    (req) => req.mem.maintenance.loadBundle(req.body?.filename ?? 'mem-bundle.json', { dryRun: Boolean(req.body?.dry_run) }),
  );

  app.get(
    '/health',
    { schema: { tags, summary: 'Liveness (no token needed)', security: [], response: { 200: any('{status, version, uptime_s, auth}') } } },
    () => ({ status: 'ok', version: ctx.version, uptime_s: Math.round((Date.now() - ctx.startedAt) / 1000), auth: ctx.auth }),
  );
  app.get('/stats', { schema: { tags, summary: 'Totals and breakdowns of everything in the store (as `mem stats --json`)', response: { 200: any('stats'), ...errors(401) } } }, (req) => req.mem.stats());
}
