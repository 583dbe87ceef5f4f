// Tables fit the terminal: at COLUMNS=80 no line of any table command is wider than 80 columns
// (long cells are cut with …), and --wide shows every cell in full. In-process, over a store
// seeded with long text in every kind of record.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitColumns } from '../src/render/style.js';
import { ensureDir, spoolLine } from './shell-support.js';
import { memIn } from './support/inproc.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const LONG = 'kubectl --context production-eu-west-1 rollout restart deployment/payments-api-gateway-service';

const mem = (args: string[], columns?: number) => memIn({ env: { ...env, ...(columns ? { COLUMNS: String(columns) } : {}) }, cwd: dir, now: () => NOW }, args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mem-width-'));
  env = { HOME: dir, MEM_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), MEM_EMBEDDING_PROVIDER: 'none', MEM_NO_WORKER: '1', MEM_SCOPE: 'proj', TZ: 'UTC' };
  for (const ok of [true, false, true])
    await mem(['fix', 'record', '--model', 'llama3-70b-instruct-q4_K_M-extended-context', '--issue-type', 'TIMEOUT', '--description', 'the model timed out after 30 seconds while loading a very large context window from disk', '--fix-command', LONG, '--fix-command', 'ollama pull llama3:70b-instruct-q4_K_M', ok ? '--success' : '--failure']);
  await mem(['add', '--title', 'How we restart the payments gateway in production without dropping requests', '--tags', 'kubernetes,payments,production,runbook', 'Drain first, then ' + LONG]);
  const spool = ensureDir(join(env.MEM_HOME!, 'spool'));
  for (let i = 0; i < 6; i++) {
    appendFileSync(join(spool, 's1.spool'), spoolLine({ session: 's1', seq: 2 * i + 1, startUs: (NOW - (60 - 2 * i) * 60_000) * 1000, cwd: '/w', command: LONG }));
    appendFileSync(join(spool, 's1.spool'), spoolLine({ session: 's1', seq: 2 * i + 2, startUs: (NOW - (59 - 2 * i) * 60_000) * 1000, cwd: '/w', command: `${LONG} --watch --timeout=600s` }));
  }
  writeFileSync(join(dir, 'plain'), Array.from({ length: 40 }, (_, i) => (i % 2 ? LONG : 'git status --porcelain --untracked-files=all')).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLES: [string, string[]][] = [
  ['patterns', ['patterns']],
  ['recent', ['recent']],
  ['fix similar', ['fix', 'similar', '--issue-type', 'TIMEOUT', '--model', 'llama3-70b-instruct-q4_K_M-extended-context']],
  ['config list', ['config', 'list']],
  ['list', ['list']],
  ['graph', ['graph']],
  ['eval predict', ['eval', 'predict', '--format', 'plain', 'plain']],
];

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('tables fit the terminal', () => {
  it.each(TABLES)('%s: nothing wider than COLUMNS=80; cut cells end with …; --wide shows them in full', async (_name, args) => {
    const narrow = await mem(args, 80);
    expect(narrow.code, narrow.err).toBe(0);
    expect(widest(narrow.out)).toBeLessThanOrEqual(80);
    const wide = await mem([...args, '--wide'], 80);
    expect(wide.code, wide.err).toBe(0);
    expect(widest(wide.out)).toBeGreaterThan(80); // the seeded text does not fit: it was cut
    expect(narrow.out).toContain('…');
    const at120 = await mem(args, 120);
    expect(widest(at120.out)).toBeLessThanOrEqual(120);
  });

  it('a pipe without $COLUMNS gets every cell in full', async () => {
    const r = await mem(['config', 'list']);
    expect(widest(r.out)).toBeGreaterThan(80);
  });

  it('fitColumns cuts the widest columns to a common cap, headings only when nothing else fits', () => {
    expect(fitColumns([10, 20], [5, 5], 80)).toBeNull();
    expect(fitColumns([10, 100, 60], [5, 7, 6], 80)).toEqual([10, 33, 33]);
    expect(fitColumns([30, 30, 30], [20, 5, 5], 50)).toEqual([20, 13, 13]); // a heading keeps its room
    const w = fitColumns([4, 50, 50, 50, 50], [4, 12, 12, 12, 12], 40)!; // headings alone are too wide
    expect(w.reduce((a, b) => a + b, 0) + 6).toBeLessThanOrEqual(40);
  });
});
