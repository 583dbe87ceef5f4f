// Server-Sent Events: what is written to the user's store, by this server or any other process
// (the CLI, the shell ingester), as it happens. Each event's id is its place in the store's
// events table, so a client that reconnects with Last-Event-ID misses nothing still kept.
import type { FastifyInstance } from 'fastify';
import { checkEventTypes, type MemEvent } from '../../events/api.js';
import type { ServerContext } from '../context.js';
import { errors, eventTypes, int, str } from '../schemas.js';

const HEARTBEAT_MS = 15_000;

export function eventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { types?: string; after?: number } }>(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: `Server-Sent Events (text/event-stream): ${eventTypes.join(', ')}`,
        description:
          'Each message has `id` (resume with the Last-Event-ID header or ?after=), `event` (the type) and `data` (JSON: {id, at, type, data}). Events written by any process on the store arrive within ~250 ms.',
        querystring: {
          type: 'object',
          properties: { types: str(`comma-separated event types (default: all): ${eventTypes.join(', ')}`), after: int('replay the events after this id first', 0, Number.MAX_SAFE_INTEGER) },
        },
        response: { 200: { description: 'an event stream', type: 'string' }, ...errors(400, 401) },
      },
    },
    (req, reply) => {
      // Validated before the stream starts: a bad type is a 400, not a stream that never speaks.
      const types = checkEventTypes(req.query.types?.split(','), 'types');
      const resume = req.headers['last-event-id'];
      const lastId = typeof resume === 'string' && /^\d+$/.test(resume) ? Number(resume) : undefined;
      const after = req.query.after ?? lastId;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 1000\n: connected\n\n');
      const follower = req.mem.events.follow({ after, types }, (events: MemEvent[]) => {
        for (const e of events) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      });
      const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      const stream = {
        end() {
          follower.stop();
          clearInterval(beat);
          ctx.streams.delete(stream);
          if (!res.writableEnded) res.end();
        },
      };
      ctx.streams.add(stream);
      req.raw.on('close', () => stream.end());
    },
  );
}
