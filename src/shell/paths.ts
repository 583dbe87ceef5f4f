import { join } from 'node:path';
import { dataDir } from '../db/paths.js';

/** Where the hooks spool records and the ingester keeps its lock (its status file is in the spool). */
export function shellPaths(env: NodeJS.ProcessEnv) {
  const dir = dataDir(env);
  return { dataDir: dir, spool: join(dir, 'spool'), lock: join(dir, 'ingest.lock') };
}
