// A one-line progress bar on stderr, only when stderr is a terminal and output is for people.
import { bar } from './style.js';

export function progressBar(enabled: boolean, label: string): { update(done: number, total: number): void; done(): void } {
  if (!enabled) return { update() {}, done() {} };
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 50 && done < total) return;
      last = now;
      const pctText = total ? `${Math.floor((done / total) * 100)}%` : '';
      process.stderr.write(`\r${label} ${bar(done, total, 30).padEnd(30, '░')} ${pctText.padStart(4)} ${done}/${total}`);
    },
    done() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
