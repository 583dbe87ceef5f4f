// How often `mem fix last`'s first answer is what the user actually ran next after a failure,
// replayed over generated histories with exit codes, and the same for thefuck on the same failures
// (when it is installed; skipped cleanly otherwise).
//   npm run build && node bench/fix-last.mjs [--users 6] [--sessions 60] [--seed 7] [--json out.json]
//
// Each user has habits: for every kind of failure, a fix they usually run next (75%), another one
// sometimes, and now and then something unrelated (they open an editor, look around). Failures
// come with the error text a terminal would show: thefuck reads it (its rules match on output);
// mem's hooks do not capture output, so mem learns from the command lines and exit codes alone.
// Every failure is asked about in order, learning only from what came before it (mem fix last
// --id: only earlier failures count), so the figures are test-then-train.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prng } from './prng.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const USERS = Number(opt('--users', '6'));
const SESSIONS = Number(opt('--sessions', '60'));
const SEED = Number(opt('--seed', '7'));
const jsonOut = opt('--json', null);

const PKGS = ['htop', 'jq', 'ripgrep', 'tmux', 'curl', 'tree', 'nmap', 'vim'];
const MODULES = ['flask', 'requests', 'numpy', 'yaml', 'pandas'];
const BRANCHES = ['feat-login', 'fix-parser', 'docs', 'release-2', 'refactor-db'];
const DIRS = ['project', 'src', 'notes', 'build', 'scripts'];
const TYPOS = [
  ['gti status', 'git status'],
  ['gti push', 'git push'],
  ['sl', 'ls'],
  ['grpe -rn TODO .', 'grep -rn TODO .'],
  ['pyhton app.py', 'python app.py'],
  ['mkae', 'make'],
];

/** A failure: its line, the error a terminal shows, and the fixes a user may run next (each a function of the case). */
const KINDS = [
  {
    name: 'push rejected',
    make: () => ({ line: 'git push', output: ' ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs to \'git@github.com:me/app.git\'\nhint: Updates were rejected because the remote contains work that you do\nhint: not have locally.\n', fixes: ['git pull --rebase', 'git pull'] }),
  },
  {
    name: 'no upstream',
    make: (r) => {
      const b = pick(r, BRANCHES);
      return { line: 'git push', output: `fatal: The current branch ${b} has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin ${b}\n\n`, fixes: [`git push --set-upstream origin ${b}`, `git push -u origin ${b}`] };
    },
  },
  {
    name: 'apt needs root',
    make: (r) => {
      const p = pick(r, PKGS);
      return { line: `apt install ${p}`, output: 'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n', fixes: [`sudo apt install ${p}`, `sudo apt install -y ${p}`] };
    },
  },
  {
    name: 'typo',
    make: (r) => {
      const [typo, right] = pick(r, TYPOS);
      return { line: typo, output: `bash: ${typo.split(' ')[0]}: command not found\n`, fixes: [right, right] };
    },
  },
  {
    name: 'missing module',
    make: (r) => {
      const m = pick(r, MODULES);
      return { line: 'python app.py', output: `Traceback (most recent call last):\n  File "app.py", line 1, in <module>\n    import ${m}\nModuleNotFoundError: No module named '${m}'\n`, fixes: [`pip install ${m}`, 'pip install -r requirements.txt'] };
    },
  },
  { name: 'jest missing', make: () => ({ line: 'npm test', output: '> app@1.0.0 test\n> jest\n\nsh: 1: jest: not found\n', fixes: ['npm ci', 'npm install'] }) },
  {
    name: 'cd typo',
    make: (r) => {
      const d = pick(r, DIRS);
      const typo = d.slice(0, -2) + d.slice(-1) + d.slice(-2, -1);
      return { line: `cd ${typo}`, output: `bash: cd: ${typo}: No such file or directory\n`, fixes: [`cd ${d}`, `cd ${d}`] };
    },
  },
  { name: 'docker socket', make: () => ({ line: 'docker ps', output: 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied\n', fixes: ['sudo docker ps', 'newgrp docker'] }) },
  { name: 'nothing staged', make: () => ({ line: 'git commit -m "wip"', output: 'On branch main\nUntracked files:\n  (use "git add <file>..." to include in what will be committed)\n\tnotes.md\n\nnothing added to commit but untracked files present (use "git add" to track)\n', fixes: ['git add -A', 'git add .'] }) },
  {
    name: 'mkdir parents',
    make: (r) => {
      const p = `${pick(r, DIRS)}/${pick(r, DIRS)}/out`;
      return { line: `mkdir ${p}`, output: `mkdir: cannot create directory '${p}': No such file or directory\n`, fixes: [`mkdir -p ${p}`, `mkdir -p ${p}`] };
    },
  },
  { name: 'build error', make: () => ({ line: 'make', output: "src/main.c: In function 'main':\nsrc/main.c:12:5: error: expected ';' before 'return'\nmake: *** [Makefile:8: main.o] Error 1\n", fixes: ['vim src/main.c', 'make clean'] }) },
  { name: 'ssh key', make: () => ({ line: 'ssh deploy@staging', output: 'deploy@staging: Permission denied (publickey).\n', fixes: ['ssh-add ~/.ssh/id_ed25519', 'ssh -i ~/.ssh/deploy deploy@staging'] }) },
];
const NORMAL = ['git status', 'ls', 'git diff', 'vim README.md', 'make test', 'git log --oneline -5', 'cd ..', 'npm run build', 'htop', 'cat package.json'];
const UNRELATED = ['ls', 'vim notes.md', 'git status', 'clear'];

function pick(r, xs) {
  return xs[Math.floor(r() * xs.length)];
}

/** One user's sessions: [{session, commands: [{line, exit, output?}]}], and their failures with what came next. */
function userHistory(u) {
  const r = prng(SEED * 1000 + u);
  // Habits: per kind, which fix is usual; and which kinds this user runs into (most of them).
  const habit = KINDS.map(() => (r() < 0.5 ? 0 : 1));
  const kinds = KINDS.filter(() => r() < 0.8);
  const sessions = [];
  for (let s = 0; s < SESSIONS; s++) {
    const cmds = [];
    const n = 8 + Math.floor(r() * 15);
    const failAt = new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => Math.floor(r() * n)));
    for (let i = 0; i < n; i++) {
      if (!failAt.has(i)) {
        cmds.push({ line: pick(r, NORMAL), exit: 0 });
        continue;
      }
      const k = pick(r, kinds);
      const c = k.make(r);
      cmds.push({ line: c.line, exit: k.name === 'typo' ? 127 : k.name === 'apt needs root' ? 100 : 1, output: c.output, kind: k.name });
      const roll = r();
      const next = roll < 0.1 ? pick(r, UNRELATED) : roll < 0.8 ? c.fixes[habit[KINDS.indexOf(k)]] : c.fixes[1 - habit[KINDS.indexOf(k)]];
      cmds.push({ line: next, exit: 0 });
      if (roll >= 0.1 && k.name !== 'typo' && k.name !== 'cd typo' && k.name !== 'mkdir parents' && !next.startsWith('sudo')) cmds.push({ line: c.line, exit: 0 });
    }
    sessions.push({ session: `u${u}s${s}`, commands: cmds });
  }
  return sessions;
}

const require = createRequire(import.meta.url);
const { openMem } = require(join(ROOT, 'dist/index.cjs'));

const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
const cases = [];
const perUser = [];
const started = performance.now();
let asked = 0;
for (let u = 1; u <= USERS; u++) {
  const home = mkdtempSync(join(tmpdir(), 'mem-fixlast-'));
  const spool = join(home, 'spool');
  mkdirSync(spool, { recursive: true });
  const sessions = userHistory(u);
  let t = Date.parse('2026-01-05T09:00:00Z');
  let seq = 0;
  const flat = [];
  for (const s of sessions) {
    for (const c of s.commands) {
      t += 30_000 + (seq % 7) * 5_000;
      seq++;
      appendFileSync(join(spool, `${s.session}.spool`), ['m1', s.session, seq, t * 1000, 5, c.exit, 'bash', 'laptop', 'me', '/home/me/app', esc(c.line)].join('\t') + '\n');
      flat.push({ ...c, session: s.session });
    }
    t += 3 * 3_600_000;
  }
  const mem = openMem({ env: { ...process.env, HOME: home, MEM_HOME: home, MEM_EMBEDDING_PROVIDER: 'none', MEM_NO_WORKER: '1', XDG_CONFIG_HOME: join(home, 'config') } });
  mem.ingestOnce(0);
  const rows = mem.history.list({ limit: 1_000_000 });
  if (rows.length !== flat.length) throw new Error(`user ${u}: ${rows.length} stored, ${flat.length} written`);
  let hits = 0;
  let answered = 0;
  let failures = 0;
  for (let i = 0; i < rows.length - 1; i++) {
    const row = rows[i];
    if (!row.exit_code || rows[i + 1].session !== row.session) continue;
    failures++;
    const t0 = performance.now();
    const r = await mem.fixes.last({ id: row.id, limit: 1, recall: false });
    asked += performance.now() - t0;
    const first = r.next[0]?.command ?? null;
    const actual = rows[i + 1].command;
    if (first) answered++;
    if (first === actual) hits++;
    cases.push({ user: u, kind: flat[i].kind, script: row.command, output: flat[i].output, actual, mem: first });
  }
  perUser.push({ user: u, failures, answered, hits });
  mem.close();
  rmSync(home, { recursive: true, force: true });
}
const total = perUser.reduce((a, p) => ({ failures: a.failures + p.failures, answered: a.answered + p.answered, hits: a.hits + p.hits }), { failures: 0, answered: 0, hits: 0 });

// thefuck on the same failures, given the error text (it never runs anything here).
let thefuck = null;
const probe = spawnSync('python3', [join(ROOT, 'bench/fix-last-thefuck.py'), '--probe'], { encoding: 'utf8', env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}` } });
if (probe.status === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'mem-thefuck-'));
  const input = join(dir, 'cases.json');
  writeFileSync(input, JSON.stringify(cases.map((c) => ({ script: c.script, output: c.output }))));
  const r = spawnSync('python3', [join(ROOT, 'bench/fix-last-thefuck.py'), input], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, HOME: dir, PATH: `/usr/bin:${process.env.PATH}` } });
  if (r.status !== 0) throw new Error(`thefuck run failed: ${r.stderr}`);
  const firsts = JSON.parse(r.stdout);
  cases.forEach((c, i) => (c.thefuck = firsts[i]));
  thefuck = { answered: firsts.filter(Boolean).length, hits: cases.filter((c) => c.thefuck && c.thefuck === c.actual).length };
  rmSync(dir, { recursive: true, force: true });
} else console.log(`thefuck: skipped (${(probe.stderr || probe.stdout).trim().split('\n').pop()})`);

const share = (n, of) => (of ? `${((100 * n) / of).toFixed(1)}%` : '—');
console.log(`${USERS} users × ${SESSIONS} sessions, seed ${SEED}: ${total.failures} failures followed by another command`);
console.log(`mem fix last   first answer = what ran next: ${total.hits}/${total.failures} (${share(total.hits, total.failures)}); answered ${share(total.answered, total.failures)}, right when it answered ${share(total.hits, total.answered)}; ${(asked / total.failures).toFixed(2)} ms per question`);
if (thefuck) console.log(`thefuck        first answer = what ran next: ${thefuck.hits}/${total.failures} (${share(thefuck.hits, total.failures)}); answered ${share(thefuck.answered, total.failures)}, right when it answered ${share(thefuck.hits, thefuck.answered)}`);
const kinds = [...new Set(cases.map((c) => c.kind))];
console.log('\nper kind of failure (hits / failures): mem' + (thefuck ? ' | thefuck' : ''));
for (const k of kinds) {
  const cs = cases.filter((c) => c.kind === k);
  const m = cs.filter((c) => c.mem === c.actual).length;
  const f = cs.filter((c) => c.thefuck && c.thefuck === c.actual).length;
  console.log(`  ${k.padEnd(16)} ${String(cs.length).padStart(4)}  ${share(m, cs.length).padStart(6)}${thefuck ? ` | ${share(f, cs.length).padStart(6)}` : ''}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ users: USERS, sessions: SESSIONS, seed: SEED, total, thefuck, perUser, cases }, null, 1));
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s in all)`);
