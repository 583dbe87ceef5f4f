// Everything that writes, at once, on one store that does not exist yet: four MCP servers (one per
// agent) each recording 50 fix attempts and memories (and reading history, which ingests what the
// shells spooled), two real interactive shells (bash and zsh in tmux, with the hooks) typing
// commands that their background ingester takes in, and the CLI adding memories. Every record
// must land exactly once, and no call may fail. Run `npm run build` first.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMem } from '../src/core/mem.js';
import { BIN, type Sandbox } from './helpers.js';
import { ensureDir, history, missingTools, shellCommand, shellEnv, sleep, stopIngester, Tmux, until, writeRcFiles } from './shell-support.js';
import { connect, testBox, type Conn } from './support/mcp.js';

const missing = missingTools(['bash', 'zsh', 'tmux']);

const CLIENTS = 4;
const WRITES = 50;
const SHELL_COMMANDS = 40;
const CLI_ADDS = 15;

let box: Sandbox | undefined;
let tmux: Tmux | undefined;
const conns: Conn[] = [];
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close()));
  tmux?.kill();
  tmux = undefined;
  if (box) await stopIngester(box);
  box?.cleanup();
});

/** `mem ARGS` as a child process, without blocking the event loop (the MCP clients keep going). */
function memAsync(b: Sandbox, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: b.env, cwd: b.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(missing.length > 0)('MCP servers, shells and the CLI writing at once', () => {
  it(`${CLIENTS} MCP clients x ${WRITES} writes + 2 shells typing + the CLI: every record exactly once`, { timeout: 300_000 }, async () => {
    box = testBox();
    const b = box;
    const failures: string[] = [];

    // Two interactive shells with the hooks, ready at their prompt before anything starts.
    const rc = writeRcFiles(b);
    const work = ensureDir(join(b.dir, 'work'));
    tmux = new Tmux();
    const t = tmux;
    const windows = (['bash', 'zsh'] as const).map((shell) => ({ shell, target: t.start(shellCommand(shell, rc), shellEnv(b), work) }));
    for (const w of windows) await until(`${w.shell} prompt`, () => t.capture(w.target).includes('mt1>'), 20_000, 50);

    for (let i = 0; i < CLIENTS; i++) conns.push(await connect(b, { name: `agent-${i}` }));

    const agent = async (c: Conn, i: number) => {
      for (let j = 0; j < WRITES; j++) {
        const r =
          j % 2 === 0
            ? await c.call('fix_record', { uid: `agent-${i}-fix-${j}`, model: `model-${j % 5}:7b`, issue_type: 'TIMEOUT', test_prompt: `prompt ${j % 3}`, fix_success: j % 3 !== 0, fix_commands: [`fix ${i} ${j}`] })
            : await c.call('memory_add', { content: `agent ${i} memory ${j}: what it learned`, kind: 'insight' });
        if (r.isError) failures.push(`agent ${i} write ${j}: ${JSON.stringify(r.content)}`);
        // Reading history ingests what the shells spooled: the servers compete with the ingester.
        if (j % 10 === 5) {
          const h = await c.call('history_search', { query: 'echo typed', limit: 5 });
          if (h.isError) failures.push(`agent ${i} history: ${JSON.stringify(h.content)}`);
        }
      }
    };
    const shells = async () => {
      for (let k = 0; k < SHELL_COMMANDS; k++) {
        for (const w of windows) t.type(w.target, `echo typed-${w.shell}-${k}`);
        await sleep(25);
      }
    };
    const cli = async () => {
      for (let k = 0; k < CLI_ADDS; k++) {
        const r = await memAsync(b, ['add', '--kind', 'note', `cli memory ${k}`]);
        if (r.code !== 0) failures.push(`cli add ${k}: exit ${r.code}: ${r.stderr}`);
      }
    };
    await Promise.all([...conns.map(agent), shells(), cli()]);
    expect(failures).toEqual([]);

    // The shells' commands: every one exactly once, once the ingester has caught up.
    const typed = windows.flatMap((w) => Array.from({ length: SHELL_COMMANDS }, (_, k) => `echo typed-${w.shell}-${k}`));
    const rows = await until(
      'every typed command in mem history',
      () => {
        const h = history(b).filter((r) => r.command.startsWith('echo typed-'));
        return h.length >= typed.length && h;
      },
      60_000,
      250,
    );
    expect(rows.map((r) => r.command).sort()).toEqual([...typed].sort());

    const mem = openMem({ env: { ...b.env }, cwd: b.dir });
    try {
      const uids = mem.fixes.recent({ days: 1, limit: 100_000 }).attempts.map((a) => a.uid);
      const wantFixes = conns.flatMap((_, i) => Array.from({ length: WRITES / 2 }, (_, j) => `agent-${i}-fix-${2 * j}`));
      expect(uids.sort()).toEqual(wantFixes.sort());
      // The fixer is each server's client.
      expect(new Set(mem.fixes.recent({ days: 1, limit: 100_000 }).attempts.map((a) => a.fixer_type))).toEqual(new Set(conns.map((_, i) => `agent-${i}`)));

      const contents: string[] = [];
      for (let cursor: string | undefined, page = 0; page < 100; page++) {
        const r = mem.memories.list({ allScopes: true, perPage: 100, cursor });
        contents.push(...r.data.map((m) => m.content));
        if (!r.meta.next_cursor) break;
        cursor = r.meta.next_cursor;
      }
      const wantMemories = [
        ...conns.flatMap((_, i) => Array.from({ length: WRITES / 2 }, (_, j) => `agent ${i} memory ${2 * j + 1}: what it learned`)),
        ...Array.from({ length: CLI_ADDS }, (_, k) => `cli memory ${k}`),
      ];
      expect(contents.sort()).toEqual(wantMemories.sort());
      expect(mem.stats().fixes.total_fixes_attempted).toBe(wantFixes.length);
    } finally {
      mem.close();
    }
    for (const c of conns) expect(c.stderr()).toBe('');
  });
});
