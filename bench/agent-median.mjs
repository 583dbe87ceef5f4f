// Median, p90 and CPU time (user + system) of each command in a hyperfine JSON export.
//   node bench/agent-median.mjs FILE
import { readFileSync } from 'node:fs';

const { results } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const r of results) {
  const t = [...r.times].sort((a, b) => a - b);
  const at = (q) => (t[Math.min(t.length - 1, Math.floor(t.length * q))] * 1000).toFixed(1);
  console.log(`${r.command.padEnd(34)} median ${at(0.5).padStart(7)} ms   p90 ${at(0.9).padStart(7)} ms   cpu ${((r.user + r.system) * 1000).toFixed(1).padStart(6)} ms`);
}
