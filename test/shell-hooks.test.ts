// The shell hooks (shell-hooks/mem.{bash,zsh} and what `mem init` prints): lint, silence and
// safety under strict options, idempotent loading, keeping the user's PROMPT_COMMAND and DEBUG trap,
// and what real interactive bash and zsh sessions in tmux record.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, history, interactive, missingTools, shellCommand, shellEnv, spooled, stopIngester, Tmux, until, writeRcFiles, type HistoryRow } from './shell-support.js';

const missing = missingTools(['bash', 'zsh', 'tmux', 'shellcheck', 'setsid']);
const has = (t: string) => !missing.includes(t);

let box: Sandbox;
let tmux: Tmux | undefined;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  await stopIngester(box);
  box.cleanup();
});

// The four script variants: what `mem init` prints (settings filled in, starts the ingester) and the
// raw files (no mem path: they record but never start anything).
let scripts: Record<'init-bash' | 'init-zsh' | 'raw-bash' | 'raw-zsh', string>;
let scriptBox: Sandbox;
beforeAll(() => {
  scriptBox = sandbox();
  const out = (shell: string) => {
    const r = scriptBox.mem(['init', shell]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const file = join(scriptBox.dir, `init.${shell}`);
    writeFileSync(file, r.stdout);
    return file;
  };
  scripts = {
    'init-bash': out('bash'),
    'init-zsh': out('zsh'),
    'raw-bash': join(ROOT, 'shell-hooks', 'mem.bash'),
    'raw-zsh': join(ROOT, 'shell-hooks', 'mem.zsh'),
  };
});
afterAll(() => scriptBox.cleanup());

describe('shellcheck', () => {
  it.skipIf(!has('shellcheck'))('passes on shell-hooks/mem.bash and on the output of mem init bash', () => {
    const raw = spawnSync('shellcheck', [join(ROOT, 'shell-hooks', 'mem.bash')], { encoding: 'utf8' });
    expect(raw.stdout + raw.stderr).toBe('');
    expect(raw.status).toBe(0);
    const printed = box.mem(['init', 'bash']).stdout;
    expect(printed).toContain('__mem_bin=');
    expect(printed).not.toContain('@MEM_SETTINGS@');
    const init = spawnSync('shellcheck', ['-s', 'bash', '-'], { encoding: 'utf8', input: printed });
    expect(init.stdout + init.stderr).toBe('');
    expect(init.status).toBe(0);
  });
});

const count = (text: string, word: string) => text.split(word).length - 1;

describe('strict shells', () => {
  describe.each(['init-bash', 'raw-bash'] as const)('bash, %s', (variant) => {
    it.skipIf(!has('bash'))('returns silently when not interactive', () => {
      const r = spawnSync(
        'bash',
        ['--norc', '--noprofile', '-euo', 'pipefail', '-c', 'source "$1"; echo "rc=$?"; declare -F __mem_precmd || echo no-hook; echo "pc=${PROMPT_COMMAND-unset}"; trap -p DEBUG; echo done', 'sh', scripts[variant]],
        { encoding: 'utf8', env: shellEnv(box), cwd: box.dir },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('rc=0\nno-hook\npc=unset\ndone\n');
      expect(r.status).toBe(0);
      expect(existsSync(join(box.env.MEM_HOME!, 'spool'))).toBe(false);
    });

    const script = (pcSetup: string) => `u_status=none; u_count=0; u_debug=0
u_pc() { u_status=$?; u_count=$((u_count + 1)); }
u_pc2() { :; }
${pcSetup}
trap 'u_debug=$((u_debug + 1))' DEBUG
source '${scripts[variant]}'
source '${scripts[variant]}'
[[ "$(declare -p PROMPT_COMMAND)" == "declare -a"* ]] && echo kind=array || echo kind=string
printf 'pc=%s\n' "\${PROMPT_COMMAND[@]}"
echo "trap=$(trap -p DEBUG)"
echo marker-ok
false && true
echo "status=$? user-pc-saw=$u_status"
false && true; __mem_precmd || echo "precmd-returned=$?"
! true
echo "status=$?"
 echo private-line
echo "multi
line"
echo "user-pc-ran=$((u_count > 3)) user-trap-ran=$((u_debug > 3))"
`;

    const READY = '__mem_ready ${__mem_trap_wanted:+"$(trap -p DEBUG)"}';
    const expectRun = (r: ReturnType<typeof interactive>, pcExpected: string) => {
      expect(r.stderr).toBe('');
      const lines = r.stdout.split('\n');
      const pc = r.stdout.slice(0, r.stdout.indexOf('\ntrap='));
      // Ours once each (loaded twice), precmd first, the user's entries kept, __mem_ready last.
      expect(pc).toBe(pcExpected);
      expect(count(pc, '__mem_precmd')).toBe(1);
      expect(count(pc, '__mem_ready')).toBe(1);
      const trap = lines.find((l) => l.startsWith('trap='))!;
      expect(count(trap, '__mem_debug')).toBe(1);
      expect(trap).toContain('u_debug=$((u_debug + 1))');
      expect(r.stdout.slice(r.stdout.indexOf('marker-ok'))).toBe(
        ['marker-ok', 'status=1 user-pc-saw=1', 'precmd-returned=1', 'status=1', 'private-line', 'multi', 'line', 'user-pc-ran=1 user-trap-ran=1', ''].join('\n'),
      );
      expect(r.status).toBe(0);
      // The hooks really ran: one session, one record per command line, exit codes as they were.
      const recs = spooled(box);
      expect(new Set(recs.map((x) => x.session)).size).toBe(1);
      const by = (c: string) => recs.filter((x) => x.command === c);
      expect(by('echo marker-ok')).toMatchObject([{ exit: 0, shell: 'bash', cwd: box.dir }]);
      expect(by('false && true')).toMatchObject([{ exit: 1 }]);
      expect(by('! true')).toMatchObject([{ exit: 1 }]);
      expect(by('echo "multi\nline"')).toHaveLength(1);
      expect(by(' echo private-line')).toHaveLength(variant === 'init-bash' ? 0 : 1);
      expect(recs.some((x) => x.command.startsWith('echo "status='))).toBe(true);
      // The first command after loading (the second `source`) is recorded.
      expect(by(`source '${scripts[variant]}'`)).toHaveLength(1);
    };

    it.skipIf(!has('bash'))('interactive: silent, keeps $? and a string PROMPT_COMMAND and DEBUG trap, loads once', () => {
      const r = interactive('bash', script('PROMPT_COMMAND=u_pc'), box);
      expectRun(r, ['kind=string', 'pc=__mem_precmd && :', 'u_pc', READY].join('\n'));
    });

    const bashVersion = spawnSync('bash', ['-c', 'echo $((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1]))'], { encoding: 'utf8' }).stdout.trim();
    it.skipIf(!has('bash') || Number(bashVersion) < 501)('interactive: keeps an array PROMPT_COMMAND (bash >= 5.1)', () => {
      const r = interactive('bash', script('PROMPT_COMMAND=(u_pc u_pc2)'), box);
      expectRun(r, ['kind=array', 'pc=__mem_precmd && :', 'pc=u_pc', 'pc=u_pc2', `pc=${READY}`].join('\n'));
    });
  });

  describe.each(['init-zsh', 'raw-zsh'] as const)('zsh, %s', (variant) => {
    it.skipIf(!has('zsh'))('returns silently when not interactive', () => {
      const r = spawnSync(
        'zsh',
        ['-f', '-eu', '-c', 'source "$1"; echo "rc=$?"; (( ${+functions[__mem_precmd]} )) || echo no-hook; echo "hooks=${precmd_functions-unset}"; echo done', 'zsh', scripts[variant]],
        { encoding: 'utf8', env: shellEnv(box), cwd: box.dir },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('rc=0\nno-hook\nhooks=unset\ndone\n');
      expect(r.status).toBe(0);
      expect(existsSync(join(box.env.MEM_HOME!, 'spool'))).toBe(false);
    });

    it.skipIf(!has('zsh'))('interactive: silent, keeps $? and the user hooks, registers once', () => {
      const r = interactive(
        'zsh',
        `u_status=none; u_count=0
u_precmd() { u_status=$?; u_count=$((u_count + 1)); }
precmd_functions=(u_precmd)
source '${scripts[variant]}'
source '${scripts[variant]}'
print -r -- "preexec=\${(j:,:)preexec_functions} precmd=\${(j:,:)precmd_functions}"
echo marker-ok
false && true
echo "status=$? user-precmd-saw=$u_status"
false && true; __mem_precmd || echo "precmd-returned=$?"
__mem_preexec 'echo direct-call'; __mem_precmd; echo "after-direct=$?"
 echo private-line
echo "multi
line"
echo "user-precmd-ran=$((u_count > 3))"
`,
        box,
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(
        [
          'preexec=__mem_preexec precmd=u_precmd,__mem_precmd',
          'marker-ok',
          'status=1 user-precmd-saw=1',
          'precmd-returned=1',
          'after-direct=0',
          'private-line',
          'multi',
          'line',
          'user-precmd-ran=1',
          '',
        ].join('\n'),
      );
      expect(r.status).toBe(0);
      const recs = spooled(box);
      expect(new Set(recs.map((x) => x.session)).size).toBe(1);
      const by = (c: string) => recs.filter((x) => x.command === c);
      expect(by('echo marker-ok')).toMatchObject([{ exit: 0, shell: 'zsh', cwd: box.dir }]);
      expect(by('false && true')).toMatchObject([{ exit: 1 }]);
      expect(by('echo direct-call')).toMatchObject([{ exit: 0 }]);
      expect(by('echo "multi\nline"')).toHaveLength(1);
      expect(by(' echo private-line')).toHaveLength(variant === 'init-zsh' ? 0 : 1);
      expect(by(`source '${scripts[variant]}'`)).toHaveLength(1);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Real interactive shells in a terminal (tmux).

const TOKEN = 'ghp_' + 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6'; // 36 alphanumerics after the prefix

async function prompt(t: Tmux, target: string, level: number, times = 1): Promise<void> {
  await until(`prompt mt${level}> (x${times})`, () => t.capture(target).split('\n').filter((l) => l.startsWith(`mt${level}> `) || l === `mt${level}>`).length >= times, 15_000, 50);
}

describe.skipIf(!has('tmux') || !has('bash') || !has('zsh'))('interactive shells in tmux', () => {
  it.each(['bash', 'zsh'] as const)('%s: records what ran, where it started, how it ended and how long it took', async (shell) => {
    const started = Date.now();
    const rc = writeRcFiles(box);
    const start = ensureDir(join(box.dir, 'start'));
    const work = ensureDir(join(box.dir, 'work dir'));
    tmux = new Tmux();
    const w = tmux.start(shellCommand(shell, rc), shellEnv(box), start);
    await prompt(tmux, w, 1);
    const nested = shellCommand(shell, rc).map((a) => (a.includes('/') ? `'${a}'` : a)).join(' ');
    tmux.type(w, `echo first-${shell}`);
    tmux.type(w, 'false');
    tmux.type(w, 'ls /nonexistent');
    tmux.type(w, 'echo piped | cat && false || true');
    tmux.type(w, 'echo "multi');
    tmux.type(w, 'line"');
    tmux.type(w, ' echo private-command');
    tmux.type(w, `export GITHUB_TOKEN=${TOKEN}`);
    tmux.type(w, `cd '${work}'`);
    tmux.type(w, 'sleep 0.3');
    tmux.type(w, 'echo last-outer');
    tmux.type(w, nested);
    await prompt(tmux, w, 2);
    tmux.type(w, 'echo in-nested');
    tmux.type(w, 'exit');
    tmux.type(w, 'echo back-outer');
    const rows = await until('the commands in mem history', () => {
      const h = history(box);
      return h.some((r) => r.command === 'echo back-outer') && h.some((r) => r.command === 'echo in-nested') && h;
    });

    const first = rows.find((r) => r.command === `echo first-${shell}`)!;
    expect(first).toBeDefined();
    const outer = rows.filter((r) => r.session === first.session);
    const inner = rows.filter((r) => r.session !== first.session);
    // Exactly what was typed in the outer shell, in order: the first command included, the
    // private one left out, the secret masked.
    expect(outer.map((r) => r.command)).toEqual([
      `echo first-${shell}`,
      'false',
      'ls /nonexistent',
      'echo piped | cat && false || true',
      'echo "multi\nline"',
      'export GITHUB_TOKEN=[REDACTED:github_token]',
      `cd '${work}'`,
      'sleep 0.3',
      'echo last-outer',
      nested,
      'echo back-outer',
    ]);
    // The nested shell is a session of its own (`exit` never reaches a prompt, so only its echo).
    expect(inner.map((r) => r.command)).toEqual(['echo in-nested']);
    expect(inner[0]!.session).not.toBe(first.session);
    expect(inner[0]!.cwd).toBe(work);
    expect(JSON.stringify(rows)).not.toContain(TOKEN.slice(4));

    const by = (c: string) => outer.find((r) => r.command === c)!;
    for (const r of rows) {
      expect(r).toMatchObject({ shell, user: 'tester', source: 'hook', author: 'tester', author_kind: 'human', intent: null });
      expect(Object.keys(r).sort()).toEqual(['author', 'author_kind', 'command', 'cwd', 'duration_ms', 'exit_code', 'git_root', 'host', 'id', 'intent', 'session', 'shell', 'source', 'timestamp', 'user']);
      const ts = Date.parse(r.timestamp);
      expect(ts).toBeGreaterThanOrEqual(started - 1000);
      expect(ts).toBeLessThanOrEqual(Date.now());
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    }
    // cwd is where the command started: `cd` itself ran in the start directory.
    for (const c of [`echo first-${shell}`, 'false', 'ls /nonexistent', 'echo "multi\nline"', `cd '${work}'`]) expect(by(c).cwd).toBe(start);
    for (const c of ['sleep 0.3', 'echo last-outer', nested, 'echo back-outer']) expect(by(c).cwd).toBe(work);
    expect(by(`echo first-${shell}`).exit_code).toBe(0);
    expect(by('false').exit_code).toBe(1);
    expect(by('ls /nonexistent').exit_code).toBeGreaterThan(0);
    expect(by(`cd '${work}'`).exit_code).toBe(0);
    expect(by(nested).exit_code).toBe(0);
    const sleep = by('sleep 0.3').duration_ms!;
    expect(sleep).toBeGreaterThanOrEqual(250);
    expect(sleep).toBeLessThan(5000);
    // newest last
    const times = outer.map((r) => Date.parse(r.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('bash: a private first command, and a private command after a similar one, record nothing', async () => {
    // An earlier session's history is loaded at startup; ignoreboth also drops repeats from history.
    writeFileSync(join(box.dir, '.bash_history'), 'echo from-an-earlier-session\n');
    const rc = writeRcFiles(box);
    writeFileSync(rc.bashrc, readFileSync(rc.bashrc, 'utf8').replace('HISTCONTROL=ignorespace', 'HISTCONTROL=ignoreboth'));
    tmux = new Tmux();
    const w = tmux.start(shellCommand('bash', rc), shellEnv(box), box.dir);
    await prompt(tmux, w, 1);
    tmux.type(w, ' echo private-first');
    tmux.type(w, 'echo visible');
    tmux.type(w, ' echo private-second');
    tmux.type(w, 'echo visible'); // a repeat: not saved in history (ignoredups), still recorded
    tmux.type(w, 'echo done');
    const rows = await until('echo done in mem history', () => {
      const h = history(box);
      return h.some((r) => r.command === 'echo done') && h;
    });
    expect(rows.map((r: HistoryRow) => r.command)).toEqual(['echo visible', 'echo visible', 'echo done']);
  });
});
