// `mem serve`: the HTTP front end over the core API. Fastify validates every request against the
// JSON schemas in routes/ (the same ones /openapi.json publishes), a hook finds the caller's store
// from their bearer token, and handlers call the core and return its data. Loaded only by `mem serve`.
import AjvCompiler from '@fastify/ajv-compiler';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Mem } from '../core/mem.js';
import type { ServerContext } from './context.js';
import { errorHandler, sendError } from './errors.js';
import { RateLimiter } from './limits.js';
import { startPeriodic, type Periodic } from './periodic.js';
import { eventRoutes } from './routes/events.js';
import { fixRoutes } from './routes/fixes.js';
import { memoryRoutes } from './routes/memories.js';
import { proceduralRoutes } from './routes/procedural.js';
import { taskRoutes } from './routes/tasks.js';
import { SHARED } from './schemas.js';
import { Stores } from './stores.js';

export const BODY_LIMIT = 1024 * 1024;

export interface ServeOptions {
  /** The home store: it holds the user registry, and is the store served with auth off. */
  home: Mem;
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  auth: boolean;
  /** Memories each user may create per minute (0: no limit). */
  rateLimit: number;
  embedIntervalMs: number;
  retryFailedIntervalMs: number;
  version: string;
}

export interface Server {
  app: FastifyInstance;
  url: string;
  port: number;
  periodic: Periodic;
  close(): Promise<void>;
}

/** Paths anyone may read: liveness and the API's description. */
const PUBLIC = /^\/(health|openapi\.json|docs)(\/|$|\?)/;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Query strings and path parameters are text, so their numbers and booleans are coerced; a JSON
 * body has types of its own, and a wrong one is a 400 naming the field, never silently converted
 * (`"tags": 5` is not `["5"]`).
 */
type BuildValidator = ReturnType<typeof AjvCompiler>;
// One pool: fastify asks for a validator compiler per plugin context, and the pool hands back the
// Ajv instance already built for the same schemas and options instead of compiling them again.
let pool: BuildValidator | undefined;

function strictBodies(externalSchemas: Parameters<BuildValidator>[0], options?: Parameters<BuildValidator>[1]) {
  pool ??= AjvCompiler();
  const lenient = pool(externalSchemas, options);
  const strict = pool(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } } as Parameters<BuildValidator>[1]);
  return (route: Parameters<ReturnType<BuildValidator>>[0]) => (route.httpPart === 'body' ? strict(route) : lenient(route));
}

export async function buildApp(o: ServeOptions, stores: Stores): Promise<{ app: FastifyInstance; ctx: ServerContext }> {
  const ctx: ServerContext = { limiter: new RateLimiter(o.rateLimit), version: o.version, auth: o.auth, startedAt: Date.now(), streams: new Set() };
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, schemaController: { compilersFactory: { buildValidator: strictBodies } } });
  for (const s of SHARED) app.addSchema(s);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'mem', version: o.version, description: 'The memory of a developer’s terminal and of the AI tools that fix things in it, over HTTP. Every route but /health, /openapi.json and /docs needs `Authorization: Bearer <token>` (`mem users add NAME` prints one).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: o.auth ? [{ bearer: [] }] : [],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/openapi.json', docExpansion: 'list', deepLinking: false } });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  app.decorateRequest('mem', null as unknown as Mem);
  app.decorateRequest('who', '');
  app.addHook('onRequest', async (req, reply) => {
    if (PUBLIC.test(req.url)) return;
    if (!o.auth) {
      req.mem = stores.home;
      req.who = 'local';
      return;
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const user = m ? stores.home.users.authenticate(m[1]!) : null;
    if (!user) {
      void reply.header('www-authenticate', 'Bearer');
      return sendError(reply, { status: 401, code: 'unauthorized', message: m ? 'invalid or revoked token' : 'missing Authorization: Bearer <token> (`mem users add NAME` prints one)' });
    }
    req.mem = stores.forUser(user);
    req.who = user.id;
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, { status: 404, code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  app.addHook('preClose', (done) => {
    for (const s of [...ctx.streams]) s.end(); // open event streams would keep close() waiting
    done();
  });

  proceduralRoutes(app, ctx);
  taskRoutes(app, ctx);
  memoryRoutes(app, ctx);
  fixRoutes(app);
  eventRoutes(app, ctx);
  return { app, ctx };
}

export async function startServer(o: ServeOptions): Promise<Server> {
  const stores = new Stores(o.home, o.env);
  const { app } = await buildApp(o, stores);
  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  // Team sync is configured for the home store (users' stores are their own, never shared by the server's config).
  const periodic = startPeriodic({ stores: () => stores.all(o.auth), sweep: () => stores.sweep(), embedEveryMs: o.embedIntervalMs, retryEveryMs: o.retryFailedIntervalMs, sync: stores.home });
  const host = o.host.includes(':') && !o.host.startsWith('[') ? `[${o.host}]` : o.host;
  return {
    app,
    url: `http://${host}:${port}`,
    port,
    periodic,
    async close() {
      periodic.stop();
      await app.close();
      stores.close();
    },
  };
}
