// The prediction engine: stats, features, ranking, learning, and the replay on real histories.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addOccurrence, EMPTY_DECAY_KEY, weightedAt } from '../src/predict/decay.js';
import { evaluate } from '../src/predict/eval.js';
import { candidates, type Candidate } from '../src/predict/features.js';
import { strongestTransitions, toDot } from '../src/predict/graph.js';
import { SESSION_GAP_MS } from '../src/predict/keys.js';
import { MemoryStats } from '../src/predict/memory-stats.js';
import { Predictor } from '../src/predict/predictor.js';
import { OnlineModel, probabilities, score } from '../src/predict/rank.js';
import { TopN } from '../src/predict/top-n.js';
import type { CommandEvent } from '../src/predict/types.js';
import { DEFAULT_WEIGHTS, FEATURES, type FeatureName } from '../src/predict/weights.js';
import { parseHistory } from '../src/shell/import/index.js';

const ev = (command: string, ts: number | null = null, exit_code: number | null = null): CommandEvent => ({ command, ts, exit_code });
const feature = (c: Candidate | undefined, name: FeatureName): number => c!.features[FEATURES.indexOf(name)]!;

function learnAll(lines: (string | CommandEvent)[], stats = new MemoryStats()): MemoryStats {
  for (const l of lines) stats.learn(typeof l === 'string' ? ev(l) : l);
  return stats;
}

describe('decayed counts', () => {
  it('match the direct sum of 2^-(age/H)', () => {
    const H = 10;
    const seqs = [0, 3, 4, 17, 40];
    let key = EMPTY_DECAY_KEY;
    for (const s of seqs) key = addOccurrence(key, s, H);
    const now = 50;
    const direct = seqs.reduce((sum, s) => sum + 2 ** (-(now - s) / H), 0);
    expect(weightedAt(key, now, H)).toBeCloseTo(direct, 12);
    expect(weightedAt(EMPTY_DECAY_KEY, now, H)).toBe(0);
  });
});

describe('TopN', () => {
  it('stays exact under growing keys', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ id: i, n: 0 }));
    const top = new TopN<{ id: number; n: number }>(5, (a, b) => a.n > b.n || (a.n === b.n && a.id < b.id));
    let x = 7;
    for (let step = 0; step < 2000; step++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const it = items[x % 50 === 0 ? 0 : x % 13]!; // skewed: a few items dominate
      it.n++;
      top.touch(it);
      // Untouched items have no key yet: they are not ranked.
      const brute = items.filter((i) => i.n > 0).sort((a, b) => b.n - a.n || a.id - b.id).slice(0, 5);
      expect(top.top(5).map((i) => i.id)).toEqual(brute.map((i) => i.id));
    }
  });
});

describe('MemoryStats', () => {
  it('counts transitions by exact line, pair, template, name and argument pattern', () => {
    const s = learnAll(['mkdir a', 'cd a', 'ls', 'mkdir b', 'cd b', 'ls', 'git commit -m "x"', 'git push']);
    expect(s.seq).toBe(8);
    expect(s.successors('exact1', 'ls', 10).map((x) => [x.item, x.count])).toEqual([
      ['git commit -m "x"', 1],
      ['mkdir b', 1],
    ]);
    expect(s.context('exact1', 'ls')).toMatchObject({ count: 2, distinct: 2 });
    expect(s.successors('exact2', 'cd a\x1fls', 5).map((x) => x.item)).toEqual(['mkdir b']);
    const args = s.successors('args1', 'mkdir', 5);
    expect(args[0]).toMatchObject({ item: 'cd $1', count: 2, command: 'cd b' });
    const t = s.successors('template1', 'git commit -m <QUOTED>', 5);
    expect(t[0]).toMatchObject({ item: 'git push', count: 1 });
    expect(s.successors('name1', 'cd', 5)[0]).toMatchObject({ item: 'ls', count: 2 });
    expect(s.frequent(3).map((r) => [r.command, r.count])).toEqual([
      ['ls', 2],
      ['git push', 1],
      ['git commit -m "x"', 1],
    ]);
    expect(s.recent(2).map((r) => r.command)).toEqual(['git push', 'git commit -m "x"']);
    expect(s.commands(['ls', 'nope']).get('ls')).toMatchObject({ count: 2, name: 'ls', template: 'ls' });
    expect(s.commands(['nope']).size).toBe(0);
  });

  it('fills a template with the last concrete line seen in that context', () => {
    const s = learnAll(['git add .', 'git commit -m "one"', 'git add .', 'git commit -m "two"']);
    const t = s.successors('template1', 'git add .', 5);
    expect(t[0]).toMatchObject({ item: 'git commit -m <QUOTED>', command: 'git commit -m "two"', count: 2 });
  });

  it('tracks exit codes and session starts', () => {
    const h = 3_600_000;
    const s = learnAll([ev('make', 0, 0), ev('make test', 1000, 1), ev('make', 2000, 0), ev('make test', 3000, 0), ev('vim', 3000 + SESSION_GAP_MS + h, null)]);
    expect(s.successors('exact1', 'make', 5)[0]).toMatchObject({ item: 'make test', successes: 1, failures: 1 });
    expect(s.commands(['make']).get('make')).toMatchObject({ successes: 2, failures: 0 });
    expect(s.successors('start', '', 5).map((x) => x.item).sort()).toEqual(['make', 'vim']);
  });

  it('exposes the template graph for `mem graph`', () => {
    const s = learnAll(['git add a.ts', 'git commit -m "x"', 'git add b.ts', 'git commit -m "y"', 'ls']);
    const edges = strongestTransitions(s.graph('template1'), 10);
    expect(edges[0]).toMatchObject({ from: 'git add <FILE>', to: 'git commit -m <QUOTED>', count: 2 });
    const dot = toDot(edges);
    expect(dot).toContain('digraph');
    expect(dot).toContain('"git add <FILE>"');
    expect(dot).toMatch(/n\d+ -> n\d+ \[label="2"/);
  });
});

describe('features', () => {
  const s = learnAll(['ls', 'git add .', 'git commit -m "a"', 'ls', 'git add .', 'git commit -m "b"', 'mkdir x', 'cd x', 'ls', 'mkdir y']);
  const recent = ['git add .', 'git commit -m "b"', 'mkdir x', 'cd x', 'ls', 'mkdir y'].map((c) => ev(c));
  const cands = candidates(s, { recent, now: 0, k: 3 });
  const get = (line: string) => cands.find((c) => c.command === line);

  const table: [string, FeatureName, number][] = [
    // `mkdir x` → `cd x` made the pattern `cd $1` (once after `mkdir`: 1 / (1 + 1)); filled with
    // `mkdir y` it proposes `cd y`, never run before.
    ['cd y', 'unseen', 1],
    ['cd y', 'arg_p', 1 / 2],
    ['cd y', 'back_1', 0],
    ['ls', 'back_2', 1],
    ['cd x', 'back_3', 1],
    ['git add .', 'freq_log', Math.log1p(2)],
    ['cd x', 'n1_p', 1 / 2],
    ['cd y', 'n1_p', 1 / 2],
    ['ls', 'e1_p', 0],
    ['ls', 'success', 0],
  ];
  it.each(table)('%j has %s = %d', (line, name, value) => {
    expect(feature(get(line), name)).toBeCloseTo(value, 9);
  });

  it('proposes an unseen line from an argument pattern', () => {
    expect(get('cd y')).toBeDefined();
    expect(get('cd y')!.template).toBe('cd y');
  });

  it('every candidate has a full, finite feature vector', () => {
    for (const c of cands) {
      expect(c.features.length).toBe(FEATURES.length);
      for (const x of c.features) expect(Number.isFinite(x)).toBe(true);
    }
  });
});

describe('argument carry-over in the candidates', () => {
  // history learned, previous line, lines that must be proposed, lines that must never be
  const cases: [string[], string, string[], string[]][] = [
    // `nano x` → `sudo nano x` must not turn into `sudo nano nano` after `sudo nano y`.
    [['nano a.conf', 'sudo nano a.conf', 'ls', 'nano b.conf', 'sudo nano b.conf', 'ls'], 'nano c.conf', ['sudo nano c.conf'], ['sudo nano nano']],
    [['nano a.conf', 'sudo nano a.conf', 'ls', 'nano b.conf', 'sudo nano b.conf', 'ls'], 'sudo nano c.conf', [], ['sudo nano nano']],
    // `apt install foo` → `sudo apt purge foo`: after `sudo apt install bar`, purge bar, not sudo.
    [['apt install foo', 'sudo apt purge foo', 'sudo apt install baz', 'sudo apt purge baz'], 'sudo apt install bar', ['sudo apt purge bar'], ['sudo apt purge sudo', 'sudo apt purge install', 'sudo apt purge apt']],
    // A multi-line next line is proposed as typed, never joined into one line.
    [['mkdir a', 'cd a\nls', 'mkdir b', 'cd b\nls'], 'mkdir c', ['cd c\nls'], ['cd c ls']],
    // Words after `&&` belong to another command: `./app` is not an argument of `make`.
    [['make && ./app 1', 'gdb ./app', 'make && ./app 2', 'gdb ./app'], 'make && ./srv 3', [], ['gdb ./srv']],
  ];
  it.each(cases)('after learning %j, %j', (history, prev, proposed, never) => {
    const s = learnAll(history);
    const lines = candidates(s, { recent: [ev(prev)], now: 0, k: 3 }).map((c) => c.command);
    for (const line of proposed) expect(lines).toContain(line);
    for (const line of never) expect(lines).not.toContain(line);
  });
});

describe('ranking', () => {
  it('score is the dot product; probabilities are a softmax', () => {
    expect(score([1, 2, 3], [0.5, -1, 2])).toBe(4.5);
    const mk = (x: number[]): Candidate => ({ command: String(x), template: '', name: '', features: Float64Array.from(x), evidence: {} });
    const p = probabilities([mk([0]), mk([Math.log(3)])], [1]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
  });

  it('an update raises the probability of the revealed candidate', () => {
    const mk = (x: number[]): Candidate => ({ command: String(x), template: '', name: '', features: Float64Array.from(x), evidence: {} });
    const cands = [mk([1, 0]), mk([0, 1])];
    const m = new OnlineModel({ ...DEFAULT_WEIGHTS });
    const w = m.w.slice(0, 2);
    const before = probabilities(cands, w)[1]!;
    const pad = (c: Candidate): Candidate => ({ ...c, features: Float64Array.from({ length: FEATURES.length }, (_, i) => c.features[i] ?? 0) });
    const full = cands.map(pad);
    m.update(full, probabilities(full, m.w), [false, true]);
    expect(probabilities(cands, m.w.slice(0, 2))[1]!).toBeGreaterThan(before);
  });

  it('learns a sequence: after `git add .` comes `git commit`', () => {
    const p = new Predictor(new MemoryStats());
    const history: CommandEvent[] = [];
    const noise = ['ls', 'vim notes.md', 'make', 'cd src', 'git status', 'npm test', 'git diff'];
    for (let i = 0; i < 40; i++) {
      for (const c of [noise[i % noise.length]!, 'git add .', 'git commit', noise[(i * 3) % noise.length]!]) {
        p.predict({ recent: history.slice(-8), now: 0, k: 3 });
        p.observe(ev(c));
        history.push(ev(c));
      }
    }
    for (const before of noise) {
      const preds = p.predict({ recent: [ev(before), ev('git add .')], now: 0, k: 3 });
      expect(preds[0]!.next_command).toBe('git commit');
      expect(preds[0]!.confidence).toBeGreaterThan(0.5);
      expect(preds[0]!.confidence).toBeLessThanOrEqual(1);
      expect(preds[0]!.reason).toMatch(/followed .*`git add \.`/);
    }
    const names = p.predict({ recent: [ev('git add .')], now: 0, k: 3, granularity: 'name' });
    expect(names[0]!.next_command).toBe('git commit');
  });

  it('fills a predicted template with the last concrete line seen after the same step', () => {
    const s = learnAll(['git add a.ts', 'git commit -m "a"', 'ls', 'git add b.ts', 'git commit -m "b"', 'ls']);
    const preds = new Predictor(s).predict({ recent: [ev('ls'), ev('git add c.ts')], now: 0, k: 3 });
    expect(preds[0]).toMatchObject({ next_command: 'git commit -m "b"', template: 'git commit -m <QUOTED>' });
    expect(preds[0]!.auto_suggestions).toContain('git commit -m "a"');
  });

  it('success rate matters: a transition that keeps failing ranks below one that works', () => {
    const s = new MemoryStats();
    for (let i = 0; i < 6; i++) {
      s.learn(ev('npm install', null, 0));
      s.learn(ev('npm start', null, 0));
      s.learn(ev('npm install', null, 0));
      s.learn(ev('npm run dev', null, 1)); // equally frequent, and more recent, but fails
    }
    const preds = new Predictor(s).predict({ recent: [ev('npm install')], now: 0, k: 2 });
    expect(preds.map((p) => p.next_command)).toEqual(['npm start', 'npm run dev']);
    expect(preds[0]!.reason).toBe('followed `npm install` 6 of 12 times, 100% succeeded');
    expect(preds[1]!.reason).toContain('0% succeeded');
    // Without exit codes the two would be ordered by recency instead.
    const t = learnAll(Array.from({ length: 6 }, () => ['npm install', 'npm start', 'npm install', 'npm run dev']).flat());
    expect(new Predictor(t).predict({ recent: [ev('npm install')], now: 0, k: 1 })[0]!.next_command).toBe('npm run dev');
  });

  it('predicts nothing from an empty history and handles k = 0', () => {
    const p = new Predictor(new MemoryStats());
    expect(p.predict({ recent: [], now: 0, k: 3 })).toEqual([]);
    p.observe(ev('ls'));
    expect(p.predict({ recent: [ev('ls')], now: 0, k: 0 })).toEqual([]);
    // `ls` was never followed by `ls`: it is not predicted to follow itself.
    expect(p.predict({ recent: [ev('ls')], now: 0, k: 3 })).toEqual([]);
    p.observe(ev('ls'));
    expect(p.predict({ recent: [ev('ls')], now: 0, k: 3 }).map((x) => x.next_command)).toEqual(['ls']);
  });

  it('a command follows itself only where the user has repeated it', () => {
    const s = learnAll(['make', 'make test', 'make', 'make lint', 'make', 'make test', 'git status', 'git status', 'git add .']);
    const after = (line: string) => new Predictor(s).predict({ recent: [ev(line)], now: 0, k: 10 }).map((x) => x.next_command);
    expect(after('make')).not.toContain('make');
    expect(after('make test')).not.toContain('make test');
    expect(after('git status')).toContain('git status'); // it was repeated
  });

  it('a reason says "succeeded" only where an exit status is known', () => {
    const imported = learnAll(['npm install', 'npm start', 'npm install', 'npm start']);
    const reasonOf = (s: MemoryStats) => new Predictor(s).predict({ recent: [ev('npm install')], now: 0, k: 1 })[0]!.reason;
    expect(reasonOf(imported)).toBe('followed `npm install` 2 times');
    const mixed = learnAll(['npm install', 'npm start', 'npm install', 'npm start', ev('npm install', null, 0), ev('npm start', null, 0), ev('npm install', null, 0), ev('npm start', null, 1)]);
    expect(reasonOf(mixed)).toBe('followed `npm install` 4 times, 50% of the 2 with an exit status succeeded');
  });
});

describe('evaluate', () => {
  it('returns the documented shape with both baselines on the same positions', () => {
    const events = ['a', 'b', 'a', 'b', 'a', 'b', 'c'].map((c) => ev(c));
    const r = evaluate([{ name: 'toy', events }], { k: 2, granularity: 'full' });
    expect(Object.keys(r)).toEqual(['granularity', 'k', 'files', 'macro']);
    expect(r.files[0]).toMatchObject({ file: 'toy', n: 7, scored: 6 });
    expect(Object.keys(r.files[0]!.baselines)).toEqual(['mfu', 'markov1_mfu']);
    // markov1: a→b and b→a are predicted once each has been seen once (3 of 6); c never is.
    expect(r.files[0]!.baselines.markov1_mfu.top1).toBeCloseTo(3 / 6, 12);
    expect(r.macro.top1).toBe(r.files[0]!.top1);
    // Nothing here is ever carried over: no first prediction is a line never run before.
    expect(r.files[0]).toMatchObject({ novel_top1_share: 0, novel_top1_precision: null });
    expect(r.macro).toMatchObject({ novel_top1_share: 0, novel_top1_precision: null });
  });

  it('counts first predictions that were never run before, and how often they were right', () => {
    // `cd $1` after `mkdir` proposes `cd c`, `cd d` and `cd e` before they ever ran (3 of 9
    // positions); `cd c` and `cd e` were right, `cd d` was not (`ls` came instead).
    const events = ['mkdir a', 'cd a', 'mkdir b', 'cd b', 'mkdir c', 'cd c', 'mkdir d', 'ls', 'mkdir e', 'cd e'].map((c) => ev(c));
    const r = evaluate([{ name: 'toy', events }], { k: 1, granularity: 'full' });
    expect(r.files[0]!.novel_top1_share).toBeCloseTo(3 / 9, 12);
    expect(r.files[0]!.novel_top1_precision).toBeCloseTo(2 / 3, 12);
    const two = evaluate([{ name: 'toy', events }, { name: 'plain', events: ['a', 'b', 'a'].map((c) => ev(c)) }], { k: 1, granularity: 'full' });
    // Macro: the share averages over files; precision over the files that made such a guess.
    expect(two.macro.novel_top1_share).toBeCloseTo(3 / 9 / 2, 12);
    expect(two.macro.novel_top1_precision).toBeCloseTo(2 / 3, 12);
  });
});

const DATA = resolve(import.meta.dirname, '../../shared/data/histories/zsh-dev');
const FILES = ['u01', 'u02', 'u03', 'u07'];

describe.skipIf(!existsSync(DATA))('replay on the shared zsh histories', () => {
  const files = () =>
    FILES.map((u) => ({
      name: u,
      events: parseHistory(readFileSync(join(DATA, `${u}.zsh_history`)), 'zsh').entries.map((e) => ({ command: e.command, ts: e.ts })),
    }));
  // README reference figures (macro, %).
  const reference = {
    full: { mfu: [14.7, 21.5], markov1_mfu: [18.9, 28.3] },
    name: { mfu: [20.3, 42.2], markov1_mfu: [33.4, 57.6] },
  };
  const targets = { full: [0.22, 0.33], name: [0.4, 0.62] };

  for (const granularity of ['full', 'name'] as const) {
    it(`${granularity}: beats the targets; baselines reproduce the reference`, { timeout: 180_000 }, () => {
      const r = evaluate(files(), { k: 3, granularity });
      expect(r.macro.top1).toBeGreaterThanOrEqual(targets[granularity][0]!);
      expect(r.macro.topk).toBeGreaterThanOrEqual(targets[granularity][1]!);
      for (const b of ['mfu', 'markov1_mfu'] as const) {
        expect(Math.abs(100 * r.macro.baselines[b].top1 - reference[granularity][b][0]!)).toBeLessThan(1);
        expect(Math.abs(100 * r.macro.baselines[b].topk - reference[granularity][b][1]!)).toBeLessThan(1);
      }
      for (const f of r.files) {
        expect(f.top1).toBeGreaterThan(f.baselines.markov1_mfu.top1);
        expect(f.topk).toBeGreaterThan(f.baselines.markov1_mfu.topk);
      }
    });
  }
});
