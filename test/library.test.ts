// mem as a library: `import { openMem } from 'mem-cli'` from a Node program, as a user of the
// package would, against a real store in a temp dir.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('imports openMem from the package and uses the core API from an ES module', () => {
  dir = mkdtempSync(join(tmpdir(), 'mem-lib-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'mem-cli'));
  writeFileSync(
    join(dir, 'app.mjs'),
    `import { openMem, UsageError } from 'mem-cli';
const mem = openMem({ db: 'store.db', env: { ...process.env, MEM_NO_WORKER: '1', MEM_SCOPE: 'lib' } });
const added = mem.memories.add({ content: 'pip install fastapi fixed the import', kind: 'solution' });
const found = await mem.memories.search('fastapi', { mode: 'keyword' });
const fix = mem.fixes.record({ model: 'llama3:8b', issue_type: 'TIMEOUT', fix_success: true, fix_commands: ['ollama pull llama3:8b'] });
const ctx = mem.fixes.context({ model: 'llama3:8b', issue_type: 'TIMEOUT' });
let refused = null;
try { mem.memories.add({ kind: 'note' }); } catch (e) { refused = e instanceof UsageError ? e.message : String(e); }
mem.close();
console.log(JSON.stringify({ created: added.created, hits: found.results.map((r) => r.id), id: added.memory.id, fix, worked: ctx.what_worked.length, refused }));
`,
  );
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(out.created).toBe(true);
  expect(out.hits).toEqual([out.id]);
  expect(out.fix).toMatchObject({ id: 1, created: true });
  expect(out.worked).toBe(1);
  expect(out.refused).toMatch(/content/);
});

it('a long-lived core that read before the home store existed writes into the real store', async () => {
  dir = mkdtempSync(join(tmpdir(), 'mem-lib-'));
  const { openMem } = await import('../src/core/mem.js');
  const env = { HOME: dir, MEM_HOME: join(dir, 'data'), MEM_NO_WORKER: '1', MEM_OFFLINE: '1', MEM_SCOPE: 'lib', XDG_CONFIG_HOME: join(dir, 'config') };
  const mem = openMem({ env, cwd: dir });
  // Reads of a store not created yet answer from an empty stand-in (nothing is created by reading).
  expect((await mem.memories.search('anything', { mode: 'keyword' })).results).toEqual([]);
  expect(mem.history.list()).toEqual([]);
  expect(mem.world.storeExists()).toBe(false);
  const { memory } = mem.memories.add({ content: 'written after a read', kind: 'note' });
  mem.close();
  const again = openMem({ env, cwd: dir });
  try {
    expect(again.memories.get(memory.id).content).toBe('written after a read');
  } finally {
    again.close();
  }
});
