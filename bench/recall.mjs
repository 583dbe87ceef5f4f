// Recall on an agent's failed command (issue 10: within 300 ms), in turns with `node -e 0` so that
// this VM's drifting speed weighs on both alike (hyperfine runs one command's runs after another's).
//   node bench/recall.mjs --store DIR [--runs 30]
// DIR: a MEM_HOME built by `bench/agent-hook.sh --keep`-style runs (100,000 memories and commands),
// with the hook installed (`mem hook install claude-code --recall`) and the failure it knows
// (bench/agent-hook.sh sets both up). Each run is the hook as Claude Code runs it:
// `sh <hook> claude-code --recall < payload`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, dflt) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : dflt);
const store = arg('store');
if (!store) throw new Error('--store DIR is required (see the comment at the top)');
const runs = Number(arg('runs', 30));
const hook = join(store, 'hooks', 'mem-agent.sh');
const work = mkdtempSync(join(tmpdir(), 'mem-recall-'));
const payload = (id, command, error) => JSON.stringify({ session_id: 's1', transcript_path: '/t.jsonl', cwd: '/work/app', permission_mode: 'default', hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command, description: 'Run' }, tool_use_id: id, error, is_interrupt: false });
const cases = {
  'a known failure': payload('toolu_02', 'npm test', 'Exit code 1\nError: Cannot find module jest\nRequire stack:\n- /work/app/node_modules/.bin/jest'),
  'nothing relevant': payload('toolu_03', 'terraform apply', 'Exit code 1\nError: quux frobnicated the zorblax'),
  'one common word': payload('toolu_04', 'node app.js', 'Exit code 1\nRequire stack:\n- stack'),
};
const files = {};
for (const [name, p] of Object.entries(cases)) writeFileSync((files[name] = join(work, `${name.replace(/ /g, '-')}.json`)), p);
const env = { ...process.env, MEM_HOME: store, NO_COLOR: '1' };
// The ingester counts as running (a live pid in its lock), as while an agent works: the hook
// starts none.
const sleeper = spawnSync('sh', ['-c', `sleep 600 > /dev/null 2>&1 & echo $!`], { encoding: 'utf8' }).stdout.trim();
writeFileSync(join(store, 'ingest.lock'), `${sleeper}\n`);
const once = (name) => {
  const t = performance.now();
  const r = name === 'node' ? spawnSync(process.execPath, ['-e', '0']) : spawnSync('sh', ['-c', `sh '${hook}' claude-code --recall < '${files[name]}'`], { env, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
};
try {
  const times = { node: [] };
  for (const name of Object.keys(cases)) times[name] = [];
  for (let i = 0; i < 3; i++) for (const name of Object.keys(cases)) once(name);
  const answers = {};
  for (let i = 0; i < runs; i++) {
    times.node.push(once('node').ms);
    for (const name of Object.keys(cases)) {
      const r = once(name);
      times[name].push(r.ms);
      answers[name] = r.out;
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
  const base = med(times.node);
  console.log(`node -e 0                 median ${base.toFixed(1)} ms`);
  for (const name of Object.keys(cases)) {
    const m = med(times[name]);
    console.log(`recall, ${name.padEnd(17)} median ${m.toFixed(1)} ms (${(m / base).toFixed(2)}x), p90 ${p90(times[name]).toFixed(1)} ms, answered: ${answers[name] ? 'yes' : 'nothing'}`);
  }
} finally {
  spawnSync('kill', [sleeper]);
  rmSync(work, { recursive: true, force: true });
}
