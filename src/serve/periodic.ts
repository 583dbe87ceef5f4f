// The server's periodic work, on timers in its own process (no separate scheduler): pending
// embeddings are picked up every few minutes, failed ones retried every few hours, stores of
// removed users closed, and the home store synced with the team hub (sync.url set) every
// sync.interval_s, in a process of its own as the shell ingester does (pg and the network stay out
// of the server). A run never overlaps the previous one; failures wait for the next tick.
import type { Mem } from '../core/mem.js';

export interface Periodic {
  stop(): void;
  /** Runs the embedding pass now (tests, and the first tick). */
  embedNow(retryFailed?: boolean): Promise<void>;
}

export function startPeriodic(o: { stores: () => Mem[]; sweep: () => void; embedEveryMs: number; retryEveryMs: number; sync?: Mem }): Periodic {
  let lastSync = 0;
  let running: Promise<void> | null = null;
  const embedNow = (retryFailed = false) => {
    running ??= (async () => {
      for (const mem of o.stores()) {
        try {
          await mem.memories.embedInBackground({ retryFailed });
        } catch (err) {
          process.stderr.write(`mem serve: embedding ${mem.world.paths.store}: ${(err as Error).message}\n`);
        }
      }
    })().finally(() => (running = null));
    return running;
  };
  const timers = [
    setInterval(() => void embedNow(false), o.embedEveryMs),
    setInterval(() => void embedNow(true), o.retryEveryMs),
    setInterval(() => {
      try {
        o.sweep();
      } catch {
        // the registry is busy: next time
      }
    }, 30_000),
    setInterval(() => {
      try {
        if (!o.sync?.sync.due(lastSync)) return;
        lastSync = Date.now();
        o.sync.world.spawn(['sync', '--quiet']);
      } catch {
        // the store is busy: next tick
      }
    }, 1000),
  ];
  for (const t of timers) t.unref();
  return {
    stop: () => timers.forEach(clearInterval),
    embedNow,
  };
}
