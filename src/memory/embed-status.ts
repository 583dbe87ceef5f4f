// Why embedding is unavailable (no model offline, no API key), remembered in a small file so that
// every command can say it once, and `mem doctor` can report it, without loading a model.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../db/paths.js';

const statusFile = (env: NodeJS.ProcessEnv) => join(dataDir(env), 'embed.status.json');

/** Remembers why embedding is unavailable, so every command can say it once without retrying. */
export function recordEmbedStatus(env: NodeJS.ProcessEnv, unavailable: string | null): void {
  try {
    writeFileSync(statusFile(env), JSON.stringify({ at: new Date().toISOString(), unavailable }) + '\n', { mode: 0o600 });
  } catch {
    // advice only
  }
}

export function embedStatus(env: NodeJS.ProcessEnv): { at: string; unavailable: string | null } | null {
  try {
    return existsSync(statusFile(env)) ? JSON.parse(readFileSync(statusFile(env), 'utf8')) : null;
  } catch {
    return null;
  }
}
