// Events in the core API: what was written to a store, by any process, read back in order. A
// follower polls the table (one indexed query, cheap) rather than relying on notifications,
// so events written by the CLI, the shell ingester or a server all arrive the same way.
import type { World } from '../core/world.js';
import { InputError, intIn } from '../errors.js';
import { EVENT_TYPES, EventStore, type EventType, type MemEvent } from './store.js';

export { EVENT_TYPES };
export type { EventType, MemEvent };

export interface EventQuery {
  /** Only events after this id (default: none before now when following, else the last `limit`). */
  after?: number;
  types?: readonly string[];
  limit?: number;
}

export interface Follower {
  stop(): void;
}

export interface EventsApi {
  /** Events after `after` (oldest first), or the newest `limit` ones when no id is given. */
  list(q?: EventQuery): MemEvent[];
  /** The id of the newest event (0 when there is none). */
  latestId(): number;
  /**
   * Calls `onEvents` with each batch of new events, oldest first, checking every `intervalMs`
   * (default 250), starting after `q.after` (default: the newest event now) until stopped.
   */
  follow(q: EventQuery & { intervalMs?: number }, onEvents: (events: MemEvent[]) => void): Follower;
}

/** Known event type names (blank ones dropped), or an InputError naming `field`. */
export function checkEventTypes(types: readonly string[] | undefined, field = 'type'): EventType[] {
  const out: EventType[] = [];
  for (const t of types ?? []) {
    const name = t.trim();
    if (!name) continue;
    if (!(EVENT_TYPES as readonly string[]).includes(name)) throw new InputError(`must be among ${EVENT_TYPES.join(', ')}; got '${name}'`, undefined, field);
    out.push(name as EventType);
  }
  return out;
}

export function eventsApi(world: World): EventsApi {
  const reader = () => new EventStore(world.readDb());
  const after = (v: number | undefined) => (v === undefined ? undefined : intIn(v, 'after', 0, Number.MAX_SAFE_INTEGER));
  const limitOf = (v: number | undefined) => (v === undefined ? 100 : intIn(v, 'limit', 1, 10_000));
  return {
    list(q = {}) {
      const types = checkEventTypes(q.types);
      const from = after(q.after);
      const limit = limitOf(q.limit);
      if (!world.storeExists()) return [];
      return from === undefined ? reader().last(limit, types) : reader().since(from, limit, types);
    },
    latestId: () => (world.storeExists() ? reader().latestId() : 0),
    follow(q, onEvents) {
      const types = checkEventTypes(q.types);
      const interval = q.intervalMs ?? 250;
      let last = after(q.after) ?? (world.storeExists() ? reader().latestId() : 0);
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const tick = () => {
        if (stopped) return;
        try {
          world.refresh(); // a restored store is the one to follow
          // A store created after we started (the first `mem add`): read it now, not the empty stand-in.
          if (world.storeExists()) {
            for (;;) {
              const batch = new EventStore(world.db()).since(last, 500, types);
              if (batch.length) {
                last = batch[batch.length - 1]!.id;
                onEvents(batch);
              }
              if (batch.length < 500 || stopped) break;
            }
          }
        } catch (err) {
          // A busy store or a transient failure: try again at the next tick.
          if (world.env.MEM_DEBUG) process.stderr.write(`mem: events: ${(err as Error).message}\n`);
        }
        if (!stopped) timer = setTimeout(tick, interval);
      };
      timer = setTimeout(tick, 0);
      return {
        stop() {
          stopped = true;
          clearTimeout(timer);
        },
      };
    },
  };
}
