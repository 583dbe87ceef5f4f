// What route modules get besides the request: the limiter and the server's facts.
import type { Mem } from '../core/mem.js';
import type { RateLimiter } from './limits.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The store this request works on: the user's own, or the home store with --no-auth. */
    mem: Mem;
    /** Who is asking (the rate limit's key). */
    who: string;
  }
}

export interface ServerContext {
  limiter: RateLimiter;
  version: string;
  auth: boolean;
  startedAt: number;
  /** Server-Sent Events streams to end when the server closes. */
  streams: Set<{ end(): void }>;
}
