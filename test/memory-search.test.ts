// Retrieval quality of `mem recall-error` in keyword mode (no model): a labelled set of stored
// errors with their resolutions (test/fixtures/error-pairs.ts) and, for each, the query a user
// types when meeting the error again. Run `npm run build` first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorQuery, normalizeError, words } from '../src/memory/text.js';
import { ERROR_PAIRS } from './fixtures/error-pairs.js';
import { jsonl, sandbox, type Result, type Sandbox } from './helpers.js';

interface Hit {
  id: string;
  score: number;
  keyword_score: number;
  semantic_score: number;
  kind: string;
  memory: { source_id: string | null; kind: string; content: string };
}
interface SearchJson {
  mode: string;
  notice: string | null;
  results: Hit[];
}

let box: Sandbox;

function ok(r: Result): Result {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

beforeAll(() => {
  box = sandbox();
  const noModel = join(box.dir, 'no-model');
  mkdirSync(noModel);
  Object.assign(box.env, { MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_MODEL_DIR: noModel, MEM_SCOPE: 'errors', NO_COLOR: '1' });
  const file = join(box.dir, 'pairs.jsonl');
  writeFileSync(file, jsonl(ERROR_PAIRS.map((p) => ({ kind: 'error', content: p.content, tags: p.tags, source: 'manual', source_id: p.key }))));
  const r = ok(box.mem(['add', '--bulk', file, '--json'])).json<{ created: number; failed: number }>();
  expect(r).toMatchObject({ created: ERROR_PAIRS.length, failed: 0 });
});
afterAll(() => box.cleanup());

describe('the labelled error set', () => {
  it('has at least 50 honest pairs over every category', () => {
    expect(ERROR_PAIRS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(ERROR_PAIRS.map((p) => p.key)).size).toBe(ERROR_PAIRS.length);
    const categories = new Set(ERROR_PAIRS.map((p) => p.category));
    for (const c of ['python', 'node', 'git', 'docker', 'shell', 'database', 'ssl', 'permissions', 'network', 'memory-disk']) expect(categories, c).toContain(c);
    for (const p of ERROR_PAIRS) {
      // The query is not a piece of the stored text, and the stored text holds a resolution.
      expect(p.content.toLowerCase(), p.key).not.toContain(p.query.toLowerCase());
      expect(p.content, p.key).toMatch(/\nResolved: /);
      expect(words(p.query).length, p.key).toBeGreaterThan(0);
    }
  });
});

describe('recall-error in keyword mode', () => {
  it('finds the stored error in the top 3 for at least 80% of the queries', { timeout: 180_000 }, () => {
    const misses: string[] = [];
    let top1 = 0;
    let top3 = 0;
    for (const p of ERROR_PAIRS) {
      const r = ok(box.mem(['recall-error', p.query, '--json', '--top-k', '3'])).json<SearchJson>();
      expect(r.mode).toBe('keyword');
      expect(r.notice).toMatch(/keyword results only/);
      expect(r.results.length).toBeLessThanOrEqual(3);
      const keys = r.results.map((h) => h.memory.source_id);
      if (keys[0] === p.key) top1++;
      if (keys.includes(p.key)) top3++;
      else misses.push(`  ${p.key}: "${p.query}" -> ${keys.join(', ') || '(nothing)'}`);
    }
    const recall3 = top3 / ERROR_PAIRS.length;
    console.log(
      `recall-error keyword mode over ${ERROR_PAIRS.length} pairs: recall@1 ${(top1 / ERROR_PAIRS.length).toFixed(3)}, recall@3 ${recall3.toFixed(3)}` +
        (misses.length ? `\nmisses:\n${misses.join('\n')}` : '; no misses'),
    );
    expect(recall3).toBeGreaterThanOrEqual(0.8);
  });

  it('ranks errors and solutions together on one scale', () => {
    const b = sandbox();
    try {
      Object.assign(b.env, { MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_MODEL_DIR: join(b.dir, 'none'), MEM_SCOPE: 'mix' });
      const add = (kind: string, text: string) => ok(b.mem(['add', '--kind', kind, '--json', text])).json<{ id: string }>().id;
      const exact = add('error', "ModuleNotFoundError: No module named 'fastapi'. Fixed by activating the venv and pip install fastapi");
      add('error', "ModuleNotFoundError: No module named 'numpy'. Fixed with pip install numpy");
      add('error', 'Segmentation fault in the image resizer; rebuilt libvips');
      const weak = add('solution', 'To speed up docker builds, order the Dockerfile so that dependency install steps come first');
      add('note', "ModuleNotFoundError: No module named 'fastapi' (a note, not an error memory)");
      const r = ok(b.mem(['recall-error', "ModuleNotFoundError: No module named 'fastapi'", '--json', '--top-k', '5'])).json<SearchJson>();
      expect(r.results[0]!.id).toBe(exact);
      expect(r.results.map((h) => h.kind)).not.toContain('note');
      // The solution shares one common word: it must not score like the best error match.
      const w = r.results.find((h) => h.id === weak);
      if (w) expect(w.score).toBeLessThan(r.results[0]!.score / 2);
      // --kind narrows to one kind.
      const onlySolutions = ok(b.mem(['recall-error', 'docker build dependency install', '--kind', 'solution', '--json'])).json<SearchJson>();
      expect(onlySolutions.results.map((h) => h.id)).toEqual([weak]);
    } finally {
      b.cleanup();
    }
  });
});

describe('mem search --mode keyword', () => {
  it('finds memories by an exact keyword', () => {
    const cases: [string, string][] = [
      ['EADDRINUSE', 'node-eaddrinuse'],
      ['certbot', 'curl-cert-expired'],
      ['ERR_REQUIRE_ESM', 'node-require-esm'],
      ['max_user_watches', 'inotify-watchers'],
      ['GH001 large files', 'git-large-file'],
    ];
    for (const [query, key] of cases) {
      const r = ok(box.mem(['search', query, '--mode', 'keyword', '--json'])).json<SearchJson>();
      expect(r.mode).toBe('keyword');
      expect(r.notice).toBeNull();
      expect(r.results[0]?.memory.source_id, query).toBe(key);
      expect(r.results[0]!.keyword_score, query).toBeGreaterThan(0.5);
      expect(r.results[0]!.keyword_score, query).toBeLessThanOrEqual(1);
    }
    const human = ok(box.mem(['search', 'EADDRINUSE', '--mode', 'keyword']));
    expect(human.stdout).toMatch(/^1\. 0\.\d{3} error /);
    expect(human.stdout).toContain('EADDRINUSE');
    expect(ok(box.mem(['search', 'xylophone', '--mode', 'keyword'])).stdout.trim()).toBe('nothing found');
    const empty = box.mem(['search', '  ', '--mode', 'keyword']);
    expect(empty.code).toBe(2);
  });
});

describe('relevance is absolute', () => {
  it('a weak best match scores low: scores compare across queries', () => {
    const search = (q: string) => ok(box.mem(['search', q, '--mode', 'keyword', '--json'])).json<SearchJson>().results;
    const strong = search('EADDRINUSE')[0]!;
    expect(strong.memory.source_id).toBe('node-eaddrinuse');
    expect(strong.score).toBeGreaterThan(0.5);
    // The same memory is the best hit for a query it answers only a quarter of: before, every
    // query's best hit scored 1.000; now its score says how much of the query it holds.
    const weak = search('EADDRINUSE walrus giraffe xylophone')[0]!;
    expect(weak.memory.source_id).toBe('node-eaddrinuse');
    expect(weak.score).toBeLessThan(strong.score / 2);
  });
});

describe('error-message normalisation', () => {
  it('drops what varies between occurrences and keeps names', () => {
    const n = normalizeError(`File "/srv/app/handlers.py", line 88, in create_order: KeyError: 'user_id' at 0x7f3a2c1d0 from 10.0.3.7:5432`);
    expect(n).not.toMatch(/\/srv|88|0x7f|10\.0\.3\.7|'/);
    expect(n).toContain('handlers.py');
    expect(n).toContain('user_id');
  });

  it('expands contractions and common short forms', () => {
    const q = errorQuery("git says this isn't a repo and can't find the env");
    expect(q).toContain('"not"');
    expect(q).toContain('"repository"');
    expect(q).toContain('"cannot"');
    expect(q).toContain('"environment"');
    expect(q).not.toContain('"isn"');
    expect(q).not.toContain('"can"');
  });
});

describe("BM25's row count", () => {
  it('is read from the full-text index and equals count(*) through adds, edits and purges', async () => {
    const { openMem } = await import('../src/core/mem.js');
    const { MemoryStore } = await import('../src/memory/store/memories.js');
    const dir = join(box.dir, 'rows');
    mkdirSync(dir);
    const mem = openMem({ db: join(dir, 'rows.db'), env: { ...box.env } });
    try {
      const check = () => {
        const db = mem.world.db();
        expect(new MemoryStore(db).search.indexedRows()).toBe(db.prepare('SELECT count(*) FROM memories').pluck().get());
      };
      check(); // empty: FTS5 has no averages record yet, the count is 0 either way
      const ids = Array.from({ length: 30 }, (_, i) => mem.memories.add({ content: `note ${i} about the deploy`, kind: 'note' }).memory.id);
      check();
      mem.memories.edit(ids[0]!, { content: 'rewritten' });
      mem.memories.remove(ids[1]!);
      mem.memories.remove(ids[2]!, { purge: true });
      check();
    } finally {
      mem.close();
    }
  });
});

describe('a search with a minimum score', () => {
  it('skips the index only when no memory could reach the minimum: the same results as filtering afterwards', async () => {
    const { openMem } = await import('../src/core/mem.js');
    const { MemoryStore } = await import('../src/memory/store/memories.js');
    const { search } = await import('../src/memory/search.js');
    const { errorTerms } = await import('../src/memory/text.js');
    const dir = join(box.dir, 'min-score');
    mkdirSync(dir);
    const mem = openMem({ db: join(dir, 'm.db'), env: { ...box.env } });
    try {
      // The labelled errors, and many memories made of the commonest error words (low idf).
      for (const p of ERROR_PAIRS) mem.memories.add({ content: p.content, kind: 'error' });
      const common = ['error', 'failed', 'cannot', 'module', 'not', 'found', 'permission', 'denied', 'timeout', 'connection'];
      for (let i = 0; i < 400; i++) mem.memories.add({ content: `${common[i % 10]} ${common[(i * 3 + 1) % 10]} ${common[(i * 7 + 2) % 10]} build ${i}`, kind: 'error' });
      const store = new MemoryStore(mem.world.readDb());
      const queries = [
        ...ERROR_PAIRS.map((p) => p.query),
        'Error: quux frobnicated the zorblax',
        'error failed cannot',
        'permission denied while opening zzyzx.conf',
        'connection timeout to db-7.internal:5432',
      ];
      let pruned = 0;
      for (const query of queries) {
        for (const minScore of [0.2, 0.5, 0.8]) {
          const base = { query, terms: errorTerms(query), filter: { kinds: ['error', 'solution'] }, topK: 5, threshold: 0, mode: 'keyword' as const };
          const all = await search(store, null, { ...base, topK: 10_000 });
          const want = all.results.filter((r) => r.score >= minScore).slice(0, 5).map((r) => [r.id, r.score]);
          const got = (await search(store, null, { ...base, minScore })).results.map((r) => [r.id, r.score]);
          expect(got, `${query} @ ${minScore}`).toEqual(want);
          if (!want.length && all.results.length) pruned++;
        }
      }
      expect(pruned).toBeGreaterThan(0); // the cases the bound is for are in the set
    } finally {
      mem.close();
    }
  });
});

describe('keyword ranking inside the index first (the best 500, then 5,000)', () => {
  it('gives what ranking every match through the join gives, for selective filters (a 1% kind, a tag, a scope) and with deleted memories', async () => {
    const { openMem } = await import('../src/core/mem.js');
    const { MemoryStore } = await import('../src/memory/store/memories.js');
    const dir = join(box.dir, 'depth');
    mkdirSync(dir);
    const mem = openMem({ db: join(dir, 'd.db'), env: { ...box.env, MEM_NO_WORKER: '1' } });
    try {
      // 8,000 memories holding 'stack' (1 to 4 times, scores spread), other words here and there.
      const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa'];
      let seed = 3;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const values = Array.from({ length: 8000 }, (_, i) => ({
        line: i + 1,
        value: {
          content: `${'stack '.repeat(1 + Math.floor(rand() * 4))}${Array.from({ length: Math.floor(rand() * 6) }, () => words[Math.floor(rand() * words.length)]).join(' ')} u${i}`,
          kind: i % 100 === 7 ? 'error' : 'note',
          tags: i % 150 === 3 ? ['rare'] : [],
          scope: i % 97 === 1 ? 'other' : 'default',
        },
      }));
      for (let i = 0; i < values.length; i += 1000) expect(mem.memories.addMany(values.slice(i, i + 1000)).created).toBe(1000);
      const db = mem.world.db();
      // Half of the best-ranked are deleted: they fill the index's first places but are no result.
      const best = db.prepare("SELECT m.id FROM memories_fts f JOIN memories m ON m.n = f.rowid WHERE memories_fts MATCH 'stack' ORDER BY bm25(memories_fts, 3.0, 1.0, 2.0) LIMIT 400").pluck().all() as string[];
      best.forEach((id, i) => i % 2 === 0 && mem.memories.remove(id));
      const store = new MemoryStore(db).search;
      type F = Parameters<InstanceType<typeof MemoryStore>['search']['keyword']>[1];
      const everything = (match: string, f: F, limit: number) => {
        const p: Record<string, unknown> = { limit, match };
        const where = ['m.deleted_at IS NULL'];
        if (f.kind) {
          where.push('m.kind = @kind');
          p.kind = f.kind;
        }
        if (f.tag) {
          where.push('m.n IN (SELECT n FROM memory_tags WHERE tag = @tag)');
          p.tag = f.tag;
        }
        if (f.scope) {
          where.push('m.scope = @scope');
          p.scope = f.scope;
        }
        return db
          .prepare(`SELECT m.n AS n, -bm25(memories_fts, 3.0, 1.0, 2.0) AS bm25 FROM memories_fts JOIN memories m ON m.n = memories_fts.rowid
            WHERE memories_fts MATCH @match AND ${where.join(' AND ')} ORDER BY bm25(memories_fts, 3.0, 1.0, 2.0) LIMIT @limit`)
          .all(p) as { n: number; bm25: number }[];
      };
      // Equal scores may come in either order: compared score by score, and as sets of ids within a score.
      const byScore = (rows: { n: number; bm25: number }[]) => {
        const groups = new Map<string, number[]>();
        for (const r of rows) groups.set(r.bm25.toFixed(9), [...(groups.get(r.bm25.toFixed(9)) ?? []), r.n].sort((a, b) => a - b));
        return groups;
      };
      for (const match of ['stack', 'stack OR alpha', 'alpha', 'omega OR kappa']) {
        for (const f of [{}, { kind: 'error' }, { tag: 'rare' }, { scope: 'other' }, { scope: 'default', kind: 'error' }] as F[]) {
          for (const [limit, need] of [[50, 6], [50, 50], [200, 101]] as const) {
            const got = store.keyword(match, f, limit, need);
            const all = everything(match, f, 100_000);
            const what = `${match} ${JSON.stringify(f)} ${limit}/${need}`;
            expect(got.length, what).toBeGreaterThanOrEqual(Math.min(need, all.length));
            expect(got.map((r) => r.bm25.toFixed(9)), what).toEqual(all.slice(0, got.length).map((r) => r.bm25.toFixed(9)));
            // Every score group but the last (which the limit may cut) holds exactly the same memories.
            const g = byScore(got);
            const a = byScore(all);
            [...g.keys()].slice(0, -1).forEach((score) => expect(g.get(score), `${what} at ${score}`).toEqual(a.get(score)));
          }
        }
      }
    } finally {
      mem.close();
    }
  }, 120_000);
});

describe('the vocabulary counts a search keeps', () => {
  it('follow the full-text index: a word added, edited away (same length) or deleted is found as it is now', async () => {
    const { openMem } = await import('../src/core/mem.js');
    const dir = join(box.dir, 'vocab');
    mkdirSync(dir);
    // One core asked again and again, as a server is: its searches reuse the counts.
    const mem = openMem({ db: join(dir, 'v.db'), env: { ...box.env, MEM_NO_WORKER: '1' } });
    const found = async (word: string) => (await mem.memories.search(word, { mode: 'keyword', scope: 'default' })).results.map((r) => r.memory.content);
    try {
      mem.memories.add({ content: 'the zorblax frobnicated the build' }, { scope: 'default' });
      expect(await found('quuxword')).toEqual([]);
      const { id } = mem.memories.add({ content: 'a quuxword in the logs' }, { scope: 'default' }).memory;
      expect(await found('quuxword')).toEqual(['a quuxword in the logs']);
      mem.memories.edit(id, { content: 'a wombword in the logs' });
      expect(await found('wombword')).toEqual(['a wombword in the logs']);
      expect(await found('quuxword')).toEqual([]);
      mem.memories.remove(id);
      expect(await found('wombword')).toEqual([]);
      expect(await found('zorblax')).toEqual(['the zorblax frobnicated the build']);
    } finally {
      mem.close();
    }
  });
});
