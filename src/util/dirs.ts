import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`: the directory and the ancestors it lacks, each with `mode`. Node's own recursive
 * mkdir loops forever where mkdir(2) answers ENOENT for a parent that exists (under /proc, say):
 * this one walks up once to the nearest existing ancestor and down again, and throws the first
 * error it meets.
 */
export function makeDirs(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
      mkdirSync(d, { mode }); // not a directory: mkdir says why (EEXIST, ENOTDIR)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw err;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // made meanwhile by another process
    }
  }
}
