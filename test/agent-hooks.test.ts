// Agents' commands captured like a human's: `mem hook install|uninstall` on real settings files,
// the installed hook script fed payloads as Claude Code, Codex and Cursor send them (written from
// their documented shapes), pairing of a call's start and end, author filters, predictions, and
// recall on failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from './helpers.js';
import { holdWriteLock, stopIngester } from './shell-support.js';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const claudeSettings = () => join(box.dir, '.claude', 'settings.json');
const script = () => join(box.env.MEM_HOME!, 'hooks', 'mem-agent.sh');
const spool = () => join(box.env.MEM_HOME!, 'spool');

/** Runs the installed hook as the agent does: `sh -c <the command in its settings>`, payload on stdin. */
function hook(args: string[], payload: unknown, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('sh', [script(), ...args], {
    input: typeof payload === 'string' ? payload : JSON.stringify(payload),
    encoding: 'utf8',
    env: { ...box.env, MEM_HISTORY_DAEMON_LINGER_S: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Claude Code (hooks reference: PreToolUse, PostToolUse, PostToolUseFailure for the Bash tool).
const claude = {
  pre: (id: string, command: string, description?: string) => ({
    session_id: 'sess-1',
    transcript_path: '/home/u/.claude/projects/p/sess-1.jsonl',
    cwd: '/work/app',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, ...(description ? { description } : {}), timeout: 120000 },
    tool_use_id: id,
  }),
  post: (id: string, command: string, stdout = 'ok\n') => ({
    ...claude.pre(id, command),
    hook_event_name: 'PostToolUse',
    tool_response: { stdout, stderr: '', interrupted: false, isImage: false },
  }),
  failure: (id: string, command: string, error: string) => ({
    ...claude.pre(id, command),
    hook_event_name: 'PostToolUseFailure',
    error,
    is_interrupt: false,
  }),
};

// Codex (codex-rs/hooks schema: pre-tool-use / post-tool-use command input).
const codex = {
  pre: (id: string, command: string) => ({
    session_id: 'thread-9',
    turn_id: 'turn-1',
    transcript_path: null,
    cwd: '/work/api',
    hook_event_name: 'PreToolUse',
    model: 'gpt-5-codex',
    permission_mode: 'default',
    tool_name: 'Bash',
    tool_input: { command },
    tool_use_id: id,
  }),
  post: (id: string, command: string, exit: number) => ({
    ...codex.pre(id, command),
    hook_event_name: 'PostToolUse',
    tool_response: { exit_code: exit, output: exit ? 'error: could not compile' : 'Finished' },
  }),
};

// Cursor (agent hooks: afterShellExecution, with the command, its output and duration in ms).
const cursorAfter = (command: string, duration: number) => ({
  conversation_id: 'conv-3',
  generation_id: 'gen-7',
  hook_event_name: 'afterShellExecution',
  workspace_roots: ['/work/web'],
  command,
  cwd: '/work/web',
  output: 'done',
  duration,
});

const history = (args: string[] = []) => {
  const r = box.mem(['history', '--json', ...args]);
  expect(r.stderr).toBe('');
  return r.json().commands as any[];
};

describe('mem hook install / uninstall', () => {
  const others = {
    model: 'opus',
    permissions: { allow: ['Bash(npm test)'] },
    hooks: {
      PreToolUse: [{ matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'prettier --check' }] }],
      Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
    },
  };

  it('merges its entries into Claude Code settings that hold other hooks, idempotently, with a backup', () => {
    mkdirSync(join(box.dir, '.claude'));
    writeFileSync(claudeSettings(), JSON.stringify(others, null, 2) + '\n');
    const first = box.mem(['hook', 'install', 'claude-code', '--json']);
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ agent: 'claude-code', action: 'installed', events: ['PreToolUse', 'PostToolUse', 'PostToolUseFailure'], recall: false });
    expect(readFileSync(first.json().backup, 'utf8')).toBe(JSON.stringify(others, null, 2) + '\n');
    const after = JSON.parse(readFileSync(claudeSettings(), 'utf8'));
    expect(after.model).toBe('opus');
    expect(after.permissions).toEqual(others.permissions);
    expect(after.hooks.Stop).toEqual(others.hooks.Stop);
    expect(after.hooks.PreToolUse[0]).toEqual(others.hooks.PreToolUse[0]);
    expect(after.hooks.PreToolUse[1]).toEqual({ matcher: 'Bash', hooks: [{ type: 'command', command: `sh '${script()}' claude-code`, timeout: 10, async: true }] });
    expect(existsSync(script())).toBe(true);

    const again = box.mem(['hook', 'install', 'claude-code', '--json']).json();
    expect(again).toMatchObject({ action: 'unchanged', backup: null, diff: [] });
    expect(JSON.parse(readFileSync(claudeSettings(), 'utf8'))).toEqual(after);

    // --recall makes the failure hook synchronous (its answer is read); installing it replaces, never duplicates.
    const recall = box.mem(['hook', 'install', 'claude-code', '--recall', '--json']).json();
    expect(recall).toMatchObject({ action: 'updated', recall: true });
    const withRecall = JSON.parse(readFileSync(claudeSettings(), 'utf8'));
    expect(withRecall.hooks.PostToolUseFailure).toEqual([{ matcher: 'Bash', hooks: [{ type: 'command', command: `sh '${script()}' claude-code --recall`, timeout: 5 }] }]);
    expect(withRecall.hooks.PreToolUse).toHaveLength(2);

    const gone = box.mem(['hook', 'uninstall', 'claude-code', '--json']).json();
    expect(gone).toMatchObject({ action: 'removed', events: [] });
    expect(JSON.parse(readFileSync(claudeSettings(), 'utf8'))).toEqual(others);
    expect(box.mem(['hook', 'uninstall', 'claude-code', '--json']).json()).toMatchObject({ action: 'unchanged' });
  });

  it('--dry-run shows the diff and writes nothing', () => {
    const r = box.mem(['hook', 'install', 'codex', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would change (nothing written)');
    expect(r.stdout).toContain(`+             "command": "sh '${script()}' codex",`);
    expect(existsSync(join(box.dir, '.codex', 'hooks.json'))).toBe(false);
    expect(existsSync(script())).toBe(false);
  });

  it('writes Codex and Cursor hook files in their documented shapes, and project settings with --project', () => {
    expect(box.mem(['hook', 'install', 'codex']).code).toBe(0);
    const cx = JSON.parse(readFileSync(join(box.dir, '.codex', 'hooks.json'), 'utf8'));
    expect(Object.keys(cx.hooks)).toEqual(['PreToolUse', 'PostToolUse']);
    expect(cx.hooks.PostToolUse[0].matcher).toBe('Bash');

    mkdirSync(join(box.dir, '.cursor'));
    writeFileSync(join(box.dir, '.cursor', 'hooks.json'), JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: './guard.sh' }] } }));
    expect(box.mem(['hook', 'install', 'cursor']).code).toBe(0);
    const cu = JSON.parse(readFileSync(join(box.dir, '.cursor', 'hooks.json'), 'utf8'));
    expect(cu).toEqual({ version: 1, hooks: { beforeShellExecution: [{ command: './guard.sh' }], afterShellExecution: [{ command: `sh '${script()}' cursor` }] } });

    const proj = join(box.dir, 'proj');
    mkdirSync(proj);
    expect(box.mem(['hook', 'install', 'claude-code', '--project'], { cwd: proj }).code).toBe(0);
    expect(existsSync(join(proj, '.claude', 'settings.json'))).toBe(true);
  });

  it.each([
    ['not JSON', '{"hooks": {'],
    ['not an object', '[1, 2]'],
    ['hooks not an object', '{"hooks": []}'],
  ])('leaves a malformed settings file (%s) untouched: one line, exit 2', (_what, text) => {
    mkdirSync(join(box.dir, '.claude'));
    writeFileSync(claudeSettings(), text);
    const r = box.mem(['hook', 'install', 'claude-code']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mem: .*settings\.json.*left as it is\)\n$/);
    expect(readFileSync(claudeSettings(), 'utf8')).toBe(text);
    expect(readdirSync(join(box.dir, '.claude'))).toEqual(['settings.json']);
  });

  it('refuses an unknown agent, and --recall for an agent without a failure answer', () => {
    expect(box.mem(['hook', 'install', 'emacs'])).toMatchObject({ code: 2, stderr: "mem: unknown agent 'emacs': give claude-code, codex, cursor\n" });
    expect(box.mem(['hook', 'install', 'cursor', '--recall']).code).toBe(2);
  });
});

describe('the agent hook script', () => {
  beforeEach(() => {
    expect(box.mem(['hook', 'install', 'claude-code']).code).toBe(0);
  });

  it('passes shellcheck as POSIX sh, as shipped and as installed', () => {
    const has = spawnSync('shellcheck', ['--version']).status === 0;
    if (!has) return;
    for (const f of [join(import.meta.dirname, '..', 'shell-hooks', 'mem-agent.sh'), script()]) {
      const r = spawnSync('shellcheck', ['-s', 'sh', f], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('records Claude Code calls: start and end paired into one command with intent, duration and exit status', () => {
    for (const r of [
      hook(['claude-code'], claude.pre('toolu_1', 'npm run build', 'Build the app')),
      hook(['claude-code'], claude.post('toolu_1', 'npm run build')),
      hook(['claude-code'], claude.pre('toolu_2', 'npm test', 'Run the tests')),
      hook(['claude-code'], claude.failure('toolu_2', 'npm test', 'Exit code 2\nnpm ERR! missing script: test')),
    ]) {
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    const rows = history(['--author', 'claude-code']);
    expect(rows.map((r) => [r.command, r.exit_code, r.intent, r.author, r.author_kind, r.cwd, r.session])).toEqual([
      ['npm run build', 0, 'Build the app', 'claude-code', 'agent', '/work/app', 'claude-code:sess-1'],
      ['npm test', 2, 'Run the tests', 'claude-code', 'agent', '/work/app', 'claude-code:sess-1'],
    ]);
    for (const r of rows) expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    expect(readdirSync(spool()).filter((f) => f.endsWith('.agent'))).toEqual([]); // taken in, then deleted
  });

  it('records Codex calls (exit status from tool_response) and Cursor calls (the end alone, with its duration)', () => {
    expect(box.mem(['hook', 'install', 'codex']).code).toBe(0);
    expect(box.mem(['hook', 'install', 'cursor']).code).toBe(0);
    hook(['codex'], codex.pre('call_1', 'cargo build'));
    hook(['codex'], codex.post('call_1', 'cargo build', 101));
    hook(['cursor'], cursorAfter('pnpm lint', 1500));
    expect(history(['--author', 'codex']).map((r) => [r.command, r.exit_code, r.cwd])).toEqual([['cargo build', 101, '/work/api']]);
    const cur = history(['--author', 'cursor']);
    expect(cur.map((r) => [r.command, r.exit_code, r.duration_ms, r.cwd, r.session])).toEqual([['pnpm lint', null, 1500, '/work/web', 'cursor:conv-3']]);
  });

  it('pairs an end that arrives before its start, and stores a start whose end never came with an unknown exit', () => {
    hook(['claude-code'], claude.post('toolu_9', 'make deploy'));
    expect(history(['--author', 'claude-code'])).toEqual([]); // the end waits for its start
    hook(['claude-code'], claude.pre('toolu_9', 'make deploy', 'Deploy'));
    expect(history(['--author', 'claude-code']).map((r) => [r.command, r.exit_code, r.intent])).toEqual([['make deploy', 0, 'Deploy']]);

    // A start from two hours ago (the agent was killed): stored at the next ingest, exit unknown.
    const old = (Date.now() - 2 * 3600_000) * 1000;
    writeFileSync(join(spool(), 'claude-code-1.agent'), `a1\tclaude-code\t${old}\t${JSON.stringify(claude.pre('toolu_old', 'sleep 9999', 'Wait'))}\n`);
    const rows = history(['--author', 'claude-code']);
    expect(rows.map((r) => [r.command, r.exit_code, r.duration_ms])).toEqual([
      ['sleep 9999', null, null],
      ['make deploy', 0, rows[1].duration_ms],
    ]);
    // Its end, late: the stored command gets its exit status, once.
    hook(['claude-code'], claude.failure('toolu_old', 'sleep 9999', 'Exit code 130'));
    hook(['claude-code'], claude.failure('toolu_old', 'sleep 9999', 'Exit code 130'));
    expect(history(['--author', 'claude-code'])[0]).toMatchObject({ command: 'sleep 9999', exit_code: 130 });
    expect(box.mem(['stats', '--json']).json().shell).toMatchObject({ total_commands: 2 });
  });

  it('takes a payload spread over lines, skips other tools, redacts secrets, and never fails the call', () => {
    hook(['claude-code'], JSON.stringify(claude.pre('toolu_p', 'echo pretty'), null, 2));
    hook(['claude-code'], JSON.stringify(claude.post('toolu_p', 'echo pretty'), null, 2));
    hook(['claude-code'], { ...claude.pre('toolu_r', 'cat x'), tool_name: 'Read' });
    const secret = 'curl -H "Authorization: Bearer sk-live-abcdefghijklmnop1234567890" https://api.example.com';
    hook(['claude-code'], claude.pre('toolu_s', secret));
    hook(['claude-code'], claude.post('toolu_s', secret));
    expect(hook(['claude-code'], 'not json at all').code).toBe(0);
    const rows = history(['--author', 'claude-code']);
    expect(rows.map((r) => r.command)).toEqual(['echo pretty', expect.stringContaining('curl -H')]);
    expect(JSON.stringify(rows)).not.toContain('sk-live-abcdefghijklmnop1234567890');

    // A spool it cannot write to: still exit 0, silent.
    const broken = spawnSync('sh', [script(), 'claude-code'], { input: JSON.stringify(claude.pre('t', 'ls')), encoding: 'utf8', env: { ...box.env, MEM_HISTORY_DAEMON_LINGER_S: '1' } });
    expect(broken.status).toBe(0);
    const text = readFileSync(script(), 'utf8').replace(/^__mem_dir=.*$/m, "__mem_dir='/proc/nonexistent/mem'");
    const bad = join(box.dir, 'bad-hook.sh');
    writeFileSync(bad, text);
    const r = spawnSync('sh', [bad, 'claude-code'], { input: JSON.stringify(claude.pre('t2', 'ls')), encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it("filters history by author; the user's commands stay the user's", () => {
    const now = Date.now() * 1000;
    mkdirSync(spool(), { recursive: true });
    writeFileSync(join(spool(), '1-1.spool'), `m1\t1-1\t1\t${now}\t5\t0\tbash\thost\talice\t/work/app\tls -la\n`);
    hook(['claude-code'], claude.pre('toolu_a', 'git status'));
    hook(['claude-code'], claude.post('toolu_a', 'git status'));
    expect(history().map((r) => [r.command, r.author, r.author_kind])).toEqual([
      ['ls -la', 'alice', 'human'],
      ['git status', 'claude-code', 'agent'],
    ]);
    expect(history(['--author', 'alice']).map((r) => r.command)).toEqual(['ls -la']);
    expect(history(['--author', 'agents']).map((r) => r.command)).toEqual(['git status']);
    expect(history(['--author', 'humans']).map((r) => r.command)).toEqual(['ls -la']);
    const text = box.mem(['history']).stdout;
    expect(text).toContain('[claude-code] git status');
  });
});

describe("agents' commands and predictions", () => {
  it("leave the user's predictions alone; an agent gets predictions from its own history", () => {
    expect(box.mem(['hook', 'install', 'claude-code']).code).toBe(0);
    const now = Date.now() * 1000;
    mkdirSync(spool(), { recursive: true });
    const lines: string[] = [];
    let seq = 0;
    for (let i = 0; i < 6; i++) {
      for (const c of ['git add -A', 'git commit -m wip']) lines.push(`m1\t7-1\t${++seq}\t${now + seq * 1000}\t5\t0\tbash\th\talice\t/work/app\t${c}`);
    }
    writeFileSync(join(spool(), '7-1.spool'), lines.join('\n') + '\n');
    expect(box.mem(['history', '--json']).code).toBe(0);
    // The agent always runs its tests after staging: many more times than the user commits.
    for (let i = 0; i < 15; i++) {
      hook(['claude-code'], claude.pre(`a${i}`, 'git add -A'));
      hook(['claude-code'], claude.post(`a${i}`, 'git add -A'));
      hook(['claude-code'], claude.pre(`b${i}`, 'npm test'));
      hook(['claude-code'], claude.post(`b${i}`, 'npm test'));
    }
    expect(box.mem(['history', '--author', 'claude-code', '--json']).json().commands).toHaveLength(30);
    const human = box.mem(['predict', '--context', 'git add -A', '--json']).json();
    expect(human.predictions[0].next_command).toBe('git commit -m wip');
    expect(human.predictions.map((p: any) => p.next_command)).not.toContain('npm test');
    const agent = box.mem(['predict', '--context', 'git add -A', '--author', 'claude-code', '--json']).json();
    expect(agent.predictions[0].next_command).toBe('npm test');
    expect(agent.predictions.map((p: any) => p.next_command)).not.toContain('git commit -m wip');
    // Without a context: after the agent's last command.
    const last = box.mem(['predict', '--author', 'claude-code', '--json']).json();
    expect(last.context.at(-1)).toBe('npm test');
    expect(last.predictions[0].next_command).toBe('git add -A');
  });
});

describe('recall on failure', () => {
  beforeEach(() => {
    expect(box.mem(['hook', 'install', 'claude-code', '--recall']).code).toBe(0);
  });

  it('answers a failed Bash call with what fixed it before, in a few lines; nothing when nothing is relevant', () => {
    const t = Date.now() * 1000;
    mkdirSync(spool(), { recursive: true });
    // The user, last week: npm test failed, npm install, then npm test passed.
    const rows = [
      ['npm test', 1],
      ['npm install', 0],
      ['npm test', 0],
    ].map(([c, e], i) => `m1\t5-1\t${i + 1}\t${t - 7 * 86400e6 + i * 30e6}\t900\t${e}\tzsh\th\talice\t/work/app\t${c}`);
    writeFileSync(join(spool(), '5-1.spool'), rows.join('\n') + '\n');
    const add = box.mem(['add', '--kind', 'error', '--title', 'Cannot find module jest: run npm install first', 'Error: Cannot find module jest. The node_modules folder was missing after a clean checkout; npm install fixed it.']);
    expect(add.code).toBe(0);
    expect(box.mem(['history', '--json']).json().commands).toHaveLength(3);

    const failure = claude.failure('toolu_f', 'npm test', 'Exit code 1\nError: Cannot find module jest\nRequire stack: ...');
    hook(['claude-code'], claude.pre('toolu_f', 'npm test'));
    const r = hook(['claude-code', '--recall'], failure);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.hookSpecificOutput.hookEventName).toBe('PostToolUseFailure');
    const ctx: string = out.hookSpecificOutput.additionalContext;
    expect(ctx).toContain('`npm install` was run and it then passed (1×)');
    expect(ctx).toMatch(/memory \w+ \[error\] Cannot find module jest/);
    expect(ctx.split('\n').length).toBeLessThanOrEqual(7);

    // Nothing known about this one: no output at all.
    hook(['claude-code'], claude.pre('toolu_g', 'terraform apply'));
    const none = hook(['claude-code', '--recall'], claude.failure('toolu_g', 'terraform apply', 'Exit code 1\nError: quux frobnicated'));
    expect(none).toEqual({ code: 0, stdout: '', stderr: '' });
    // A success asks nothing.
    expect(hook(['claude-code', '--recall'], claude.post('toolu_h', 'npm test'))).toEqual({ code: 0, stdout: '', stderr: '' });
    // Both failures are recorded as well.
    expect(history(['--author', 'claude-code', '--failed']).map((r) => r.command).sort()).toEqual(['npm test', 'terraform apply']);
  });

  it('answers a failure within the agent\'s hook timeout while another process holds the store\'s write lock', async () => {
    for (const [kind, title, body] of [
      ['error', 'Cannot find module jest: run npm install first', 'Error: Cannot find module jest. npm install fixed it.'],
      ['solution', 'permission denied on docker.sock: add the user to the docker group', 'Error: permission denied docker.sock; usermod -aG docker'],
      ['error', 'fatal: not a git repository: run it inside the checkout', 'fatal: not a git repository (or any of the parent directories)'],
    ]) expect(box.mem(['add', '--kind', kind!, '--title', title!, body!], { env: { MEM_EMBEDDING_PROVIDER: 'none' } }).code).toBe(0);
    const error = 'Exit code 1\nError: Cannot find module jest\nError: permission denied docker.sock\nfatal: not a git repository';
    const recall = (id: string) => {
      const t0 = Date.now();
      const r = hook(['claude-code', '--recall'], claude.failure(id, 'npm test', error), { MEM_EMBEDDING_PROVIDER: 'none' });
      return { ...r, ms: Date.now() - t0 };
    };
    const free = recall('toolu_free'); // the same answer with the store free: this machine's baseline
    expect(free.code).toBe(0);
    const children: number[] = [];
    // A writer that keeps the lock (the ingester learning an import, a sync, history rm): well
    // past the store's busy timeout (5 s), as long as the test needs.
    const lock = await holdWriteLock(box, 60_000, children);
    try {
      const r = recall('toolu_busy');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      // Claude Code gives a hook 5 s by default; each of the three lines waited the store's busy
      // timeout (5 s) to count reuse before (15.5 s here). Now: about the baseline.
      expect(r.ms).toBeLessThan(free.ms + 3000);
      expect(r.stdout).toBe(free.stdout);
      const ctx: string = JSON.parse(r.stdout).hookSpecificOutput.additionalContext;
      expect(ctx).toMatch(/Cannot find module jest/);
      expect(ctx).toMatch(/docker\.sock/);
    } finally {
      for (const pid of children) process.kill(pid);
      await lock.released;
      await stopIngester(box);
    }
  });
});
