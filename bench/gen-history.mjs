// Builds a zsh extended history of N lines from the real dev histories (read in place from
// ../shared/data/histories/zsh-dev), repeating them with shifted timestamps. Writes to stdout.
import { readFileSync, readdirSync } from 'node:fs';
const lines = Number(process.argv[2] ?? 100000);
const dir = new URL('../../shared/data/histories/zsh-dev/', import.meta.url);
const src = readdirSync(dir).filter((f) => f.endsWith('_history')).sort().flatMap((f) => {
  const text = readFileSync(new URL(f, dir), 'latin1'); // keep metafied bytes as they are
  return text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
});
let out = [];
let written = 0;
for (let round = 0; written < lines; round++) {
  const shift = round * 400 * 86400;
  for (const l of src) {
    if (written >= lines) break;
    out.push(l.replace(/^: (\d+):/, (_, t) => `: ${Number(t) + shift}:`));
    written++;
    if (out.length === 10000) { process.stdout.write(out.join('\n') + '\n', 'latin1'); out = []; }
  }
}
// A continued entry cut at the end would swallow nothing: finish with a complete line.
if (out.length) process.stdout.write(out.join('\n') + '\n', 'latin1');
