// Prints each command's median from a hyperfine JSON export and its ratio to the first command
// (the `node -e 0` baseline), marking those over the target ratio.
import { readFileSync } from 'node:fs';
const [file, target] = process.argv.slice(2);
const { results } = JSON.parse(readFileSync(file, 'utf8'));
const base = results[0].median;
let ok = true;
for (const r of results) {
  const ratio = r.median / base;
  const over = r !== results[0] && target && ratio > Number(target);
  if (over) ok = false;
  console.log(`${(r.median * 1000).toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x  ${over ? 'OVER ' : ''}${r.command.length > 90 ? r.command.slice(0, 87) + '...' : r.command}`);
}
if (target) console.log(ok ? `all within ${target}x of the baseline` : `some commands exceed ${target}x`);
