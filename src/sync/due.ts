// Whether a background sync is due: cheap enough for the ingester's every tick (no pg, no network).
import type { World } from '../core/world.js';
import { SyncStore } from './store.js';

/** sync.url and sync.team are set and sync.interval_s has passed since the last attempt (this process's or any). */
export function syncDue(world: World, lastSpawn: number): boolean {
  const url = world.config.get<string>('sync.url');
  if (!url || !world.config.get<string>('sync.team') || !world.storeExists()) return false;
  const every = world.config.get<number>('sync.interval_s') * 1000;
  if (Date.now() - lastSpawn < every) return false;
  try {
    const last = new SyncStore(world.db()).state('last_attempt_at');
    return world.now() - Number(last ?? 0) >= every;
  } catch {
    return false; // a store from before sync: the next `mem sync` migrates it
  }
}
