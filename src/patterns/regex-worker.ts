// Runs a user regex over many texts in a worker thread with a hard time limit: the backstop behind
// the static check of safe-regex.ts. V8 checks for termination while it backtracks, so terminate()
// stops even a catastrophic match; the main thread only waits on a timer. The time limit counts from
// when the worker starts matching: starting a thread (a new V8 isolate) takes seconds on a loaded
// machine, and a plain pattern must not fail for that.
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import { oneLine, REGEX_FLAGS } from '../util/safe-regex.js';

export const REGEX_TIMEOUT_MS = 2000;
const STARTUP_MS = 60_000;

// Plain JavaScript run by the worker (eval: no separate file, so it works from the esbuild bundle and from tests alike).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const re = new RegExp(workerData.source, workerData.flags);
parentPort.postMessage('start');
const hits = [];
for (let i = 0; i < workerData.texts.length; i++) if (re.test(workerData.texts[i])) hits.push(i);
parentPort.postMessage(hits);
`;

/**
 * Indices of the texts `source` matches, computed in a worker that is terminated after
 * `timeoutMs` (in total, not per text). A timeout is a one-line UsageError.
 */
export function matchInWorker(source: string, texts: string[], timeoutMs = REGEX_TIMEOUT_MS, flag = '--match'): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source, flags: REGEX_FLAGS, texts }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timeout = (what: string) => () =>
      finish(() => reject(new UsageError(`${flag} '${oneLine(source)}' did not finish within ${what} over ${texts.length} texts (catastrophic backtracking?); simplify the pattern`, 'regex_timeout')));
    // Only a worker that cannot start at all (never expected) meets this one.
    let timer = setTimeout(timeout(`${STARTUP_MS / 1000}s of starting`), STARTUP_MS);
    worker.on('message', (m: number[] | 'start') => {
      if (m !== 'start') return finish(() => resolve(m));
      clearTimeout(timer);
      timer = setTimeout(timeout(`${timeoutMs / 1000}s`), timeoutMs);
    });
    worker.once('error', (err) => finish(() => reject(new UsageError(`${flag} could not be run: ${err.message}`, 'bad_regex'))));
    worker.once('exit', (code) => finish(() => reject(new UsageError(`${flag} matching stopped unexpectedly (exit ${code})`, 'bad_regex'))));
  });
}
