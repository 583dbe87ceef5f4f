// Prediction through the built CLI: mem learn / predict / graph / workflows / eval predict, the
// persisted statistics, and the prompt path in real shells (typed commands -> suggestion file ->
// keybinding).
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonl, sandbox, type Sandbox } from './helpers.js';
import { missingTools, shellCommand, shellEnv, stopIngester, Tmux, until, writeRcFiles } from './shell-support.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(async () => {
  await stopIngester(box);
  box.cleanup();
});

const session = (commands: string[], outcome?: 'success' | 'failure') => ({ session_commands: commands.map((command) => ({ command })), ...(outcome ? { session_outcome: outcome } : {}) });
const predict = (b: Sandbox, args: string[] = []) => {
  const r = b.mem(['predict', '--json', ...args]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.json().predictions as { next_command: string; template: string; confidence: number; reason: string; auto_suggestions: string[] }[];
};

describe('mem learn and mem predict', () => {
  it('learned sequences change the predictions, with confidence, template and reason', () => {
    expect(predict(box, ['--context', 'git add -A'])).toEqual([]);
    const r = box.mem(['learn', '--from-json', '-', '--json'], {
      input: jsonl([1, 2, 3, 4].map(() => session(['git status', 'git add -A', 'git commit -m "wip"', 'git push'], 'success'))),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ sessions: 4, commands: 16, learned: 16 });
    const ps = predict(box, ['--context', 'git add -A']);
    expect(ps[0]).toMatchObject({ next_command: 'git commit -m "wip"', template: 'git commit -m <QUOTED>' });
    expect(ps[0]!.confidence).toBeGreaterThan(0);
    expect(ps[0]!.confidence).toBeLessThanOrEqual(1);
    expect(ps[0]!.reason).toMatch(/git add -A/);
    expect(ps.length).toBeLessThanOrEqual(3);
    expect(predict(box, ['--context', 'git status', 'git add -A', '--top-k', '1'])).toHaveLength(1);
    // Teaching another continuation moves the ranking.
    box.mem(['learn', '--from-json', '-'], { input: jsonl([1, 2, 3, 4, 5, 6, 7, 8].map(() => session(['git add -A', 'git stash'], 'success'))) });
    expect(predict(box, ['--context', 'git add -A'])[0]!.next_command).toBe('git stash');
  });

  it('success rates matter: a continuation that keeps failing ranks below one that works', () => {
    const sessions = [
      ...[1, 2, 3].map(() => session(['make build', 'make deploy'], 'failure')),
      ...[1, 2, 3].map(() => session(['make build', 'make test'], 'success')),
    ];
    box.mem(['learn', '--from-json', '-'], { input: jsonl(sessions) });
    const ps = predict(box, ['--context', 'make build']);
    expect(ps.map((p) => p.next_command).slice(0, 2)).toEqual(['make test', 'make deploy']);
  });

  it.each([
    ['malformed JSON', '{"session_commands": [', /line 2: malformed JSON/],
    ['no commands', JSON.stringify({ session_commands: [] }), /session_commands.*non-empty list/],
    ['a bad outcome', JSON.stringify({ session_commands: [{ command: 'ls' }], session_outcome: 'maybe' }), /session_outcome.*success.*failure/],
    ['a bad entry', JSON.stringify({ session_commands: [{ cmd: 'ls' }] }), /session_commands\[0\]\.command/],
  ])('rejects %s with exit 2 and learns nothing', (_n, input, msg) => {
    const r = box.mem(['learn', '--from-json', '-'], { input: `${JSON.stringify(session(['a', 'b']))}\n${input}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(box.mem(['history', '--json']).json().commands).toEqual([]);
  });

  it('redacts secrets in taught commands and predictions', () => {
    const token = 'ghp_' + 'x1'.repeat(18);
    box.mem(['learn', '--from-json', '-'], { input: jsonl([1, 2].map(() => session(['cd app', `export GITHUB_TOKEN=${token}`]))) });
    const out = JSON.stringify(predict(box, ['--context', 'cd app']));
    expect(out).not.toContain(token);
    expect(out).toContain('[REDACTED:github_token]');
  });

  it('predicts from imported history, and never suggests cd into a missing directory', () => {
    const file = join(box.dir, 'hist');
    const lines = [];
    for (let i = 0; i < 6; i++) lines.push(`: ${1700000000 + i * 10}:0;cd /nonexistent/place`, `: ${1700000001 + i * 10}:0;ls -la`, `: ${1700000002 + i * 10}:0;cd /tmp`);
    writeFileSync(file, lines.join('\n') + '\n');
    expect(box.mem(['import-history', '--shell', 'zsh', file]).code).toBe(0);
    const after = predict(box, ['--context', 'ls -la', '--top-k', '5']).map((p) => p.next_command);
    expect(after[0]).toBe('cd /tmp');
    expect(after).not.toContain('cd /nonexistent/place');
  });

  it('persists its statistics: a second process predicts without relearning', () => {
    box.mem(['learn', '--from-json', '-'], { input: jsonl([1, 2, 3].map(() => session(['npm ci', 'npm test']))) });
    const db = new Database(box.db, { readonly: true });
    const state = Object.fromEntries((db.prepare('SELECT key, value FROM predict_state').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const maxId = (db.prepare('SELECT MAX(id) AS m FROM commands').get() as { m: number }).m;
    db.close();
    expect(Number(state.learned_id)).toBe(maxId);
    expect(Number(state.seq)).toBe(6);
    expect(predict(box, ['--context', 'npm ci'])[0]!.next_command).toBe('npm test');
  });
});

describe('mem workflows and mem graph', () => {
  it('finds recurring sequences across sessions with success rates and the usual directory', () => {
    const taught = [1, 2, 3, 4].map(() => ({ session_commands: ['git pull', 'npm ci', 'npm test'].map((command) => ({ command, cwd: '/srv/app' })), session_outcome: 'success' }));
    taught.push({ session_commands: ['git pull', 'npm ci', 'npm test'].map((command) => ({ command, cwd: '/srv/app' })), session_outcome: 'failure' });
    box.mem(['learn', '--from-json', '-'], { input: jsonl(taught) });
    const w = box.mem(['workflows', '--json']).json().workflows;
    expect(w[0]).toMatchObject({ steps: ['git pull', 'npm ci', 'npm test'], occurrences: 5, sessions: 5, successes: 4, failures: 1, typical_directory: '/srv/app' });
    expect(w[0].success_rate).toBeCloseTo(0.8);
    expect(box.mem(['workflows', '--min-count', '6', '--json']).json().workflows).toEqual([]);
    expect(box.mem(['workflows', '--cwd', '/elsewhere', '--json']).json().workflows).toEqual([]);
    expect(box.mem(['stats', '--json']).json().workflows[0]).toMatchObject({ occurrences: 5 });
    expect(box.mem(['workflows']).stdout).toMatch(/5× in 5 sessions, 80.0% succeeded/);
  });

  it('merges the rotations and parts of one cycle into one workflow, and orders by count', () => {
    const cycle = ['make', 'make test', 'git commit -m "wip"'];
    const from = (i: number, n: number) => Array.from({ length: n }, (_, j) => cycle[(i + j) % 3]!);
    // Six sessions enter the cycle at different steps and go round more than once.
    const sessions = [from(0, 6), from(1, 6), from(2, 6), from(0, 3), from(1, 4), from(2, 5)].map((c) => session(c));
    // A longer, linear workflow seen less often (4 × 5 steps outweighs 7 × 3 steps by the old count × length order).
    const deploy = ['git pull', 'npm ci', 'npm run build', 'npm test', 'npm run deploy'];
    for (let i = 0; i < 4; i++) sessions.push(session(deploy));
    expect(box.mem(['learn', '--from-json', '-'], { input: jsonl(sessions) }).code).toBe(0);
    const w = box.mem(['workflows', '--json']).json().workflows as { templates: string[]; steps: string[]; occurrences: number }[];
    expect(w).toHaveLength(2);
    expect(w.map((x) => x.occurrences)).toEqual([...w.map((x) => x.occurrences)].sort((a, b) => b - a));
    expect(new Set(w[0]!.steps)).toEqual(new Set(cycle));
    expect(w[0]!.steps).toHaveLength(3);
    expect(w[1]).toMatchObject({ steps: deploy, occurrences: 4 });
  });

  it('an empty list says which filter matched nothing', () => {
    const said = (args: string[]) => box.mem(['workflows', ...args]).stdout.trim();
    expect(said([])).toBe('no commands recorded yet (mem init --install zsh to start, or mem import-history)');
    const run = ['git pull', 'npm ci', 'npm test'];
    box.mem(['learn', '--from-json', '-'], { input: jsonl([1, 2, 3].map(() => ({ session_commands: run.map((command) => ({ command, cwd: '/srv/app' })) }))) });
    expect(said(['--min-count', '4'])).toBe('no sequence was seen 4+ times (--min-count): the most frequent, 3×');
    expect(said(['--cwd', '/elsewhere'])).toBe('no workflow was run in /elsewhere');
    expect(box.mem(['workflows', '--cwd', '/elsewhere', '--json']).json()).toEqual({ workflows: [], empty: 'no workflow was run in /elsewhere' });
    expect(box.mem(['predict', '--author', 'codex']).stdout.trim()).toBe("no prediction: no commands recorded by author 'codex'");
  });

  it('graph lists the strongest transitions as JSON, a table and Graphviz DOT', () => {
    box.mem(['learn', '--from-json', '-'], { input: jsonl([1, 2, 3].map(() => session(['vim main.py', 'python main.py']))) });
    const g = box.mem(['graph', '--json']).json();
    expect(g.edges[0]).toMatchObject({ from: 'vim <FILE>', to: 'python <FILE>', count: 3 });
    const dot = box.mem(['graph', '--dot']).stdout;
    expect(dot).toMatch(/^digraph/);
    expect(dot).toContain('python <FILE>');
    expect(box.mem(['graph', '--top', '0']).code).toBe(2);
  });
});

describe('mem eval predict', () => {
  const history = (n: number) => Array.from({ length: n }, (_, i) => `: ${1700000000 + i}:0;${['git status', 'git add .', 'git commit -m x', 'make'][i % 4]}`).join('\n') + '\n';

  it('replays files and reports per file and macro rates with both baselines', () => {
    const a = join(box.dir, 'a.zsh_history');
    const b = join(box.dir, 'b.txt');
    writeFileSync(a, history(80));
    writeFileSync(b, ['ls', 'cd', 'ls', 'cd', 'ls', 'cd'].join('\n') + '\n');
    const r = box.mem(['eval', 'predict', '--json', a]);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ granularity: 'full', k: 3 });
    expect(j.files[0]).toMatchObject({ file: a, n: 80, scored: 79 });
    for (const key of ['top1', 'topk']) expect(j.macro[key]).toBeGreaterThan(0.8);
    expect(Object.keys(j.macro.baselines)).toEqual(['mfu', 'markov1_mfu']);
    // Nothing is carried over in this history: no never-run line is ever proposed first.
    expect(j.files[0]).toMatchObject({ novel_top1_share: 0, novel_top1_precision: null });
    const human = box.mem(['eval', 'predict', a]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/novel top-1/);
    expect(human.stdout).toMatch(/novel right/);
    const plain = box.mem(['eval', 'predict', '--format', 'plain', '--granularity', 'name', '--k', '1', '--json', b]).json();
    expect(plain.files[0]).toMatchObject({ n: 6, scored: 5 });
    // The user's store is untouched.
    expect(box.mem(['history', '--json']).json().commands).toEqual([]);
  });

  it.each([
    [['eval', 'predict', '--format', 'fish', 'x'], /--format <format>' argument 'fish' is invalid\. Allowed choices are auto, zsh, bash, plain/],
    [['eval', 'predict', '/no/such/file'], /cannot read \/no\/such\/file: no such file/],
    [['eval', 'predict', '--granularity', 'word', 'x'], /--granularity <g>' argument 'word' is invalid\. Allowed choices are full, name/],
  ])('%j exits 2 with a one-line error', (args, msg) => {
    const r = box.mem(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});

const missing = missingTools(['tmux', 'zsh', 'bash', 'fish']);

describe.skipIf(missing.length > 0)('predictions at the prompt, in real shells', () => {
  it.each(['zsh', 'bash', 'fish'] as const)('%s: typed commands update the suggestion file, and the key inserts the prediction', async (shell) => {
    const rc = writeRcFiles(box);
    const tmux = new Tmux();
    try {
      const w = tmux.start(shellCommand(shell, rc), shellEnv(box), box.dir);
      await until('the prompt', () => tmux.capture(w).includes('mt1>'), 10_000);
      // A routine, three times: after `echo one`, `echo two` follows.
      for (let i = 0; i < 3; i++) for (const c of ['echo one', 'echo two', 'echo three']) tmux.type(w, c);
      await until('all nine commands stored', () => box.mem(['history', '--json']).json().commands.length === 9, 15_000);
      tmux.type(w, 'echo one');
      const file = await until('a suggestion file', () => {
        const dir = join(box.env.MEM_HOME!, 'suggest');
        const f = existsSync(dir) && readdirSync(dir).find((n) => !n.endsWith('.tmp'));
        return f ? join(dir, f) : undefined;
      }, 15_000);
      await until('the prediction after `echo one`', () => readFileSync(file, 'utf8').split('\n')[0] === 'echo two', 15_000);
      tmux.key(w, 'C-x');
      tmux.key(w, 'C-p');
      await until('the prediction on the command line', () => tmux.capture(w).trimEnd().split('\n').pop()!.endsWith('mt1> echo two'), 5000);
    } finally {
      tmux.kill();
    }
  });
});
