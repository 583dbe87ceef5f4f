// `mem completion bash|zsh|fish`: scripts generated from the CLI declaration, installed by
// `mem init --install`, and tried for real: a shell in tmux, `mem hi<Tab>` becomes `mem history`,
// flags and enumerated values complete at any depth.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completionTree } from '../src/cli/completion.js';
import '../src/cli/program.js'; // registers the command tree
import { BIN, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, missingTools, shellEnv, sleep, stopIngester, Tmux, until, writeRcFiles } from './shell-support.js';

let box: Sandbox;
let tmux: Tmux | null = null;
beforeEach(() => (box = sandbox()));
afterEach(async () => {
  tmux?.kill();
  tmux = null;
  await stopIngester(box);
  box.cleanup();
});

describe('the completion tree', () => {
  it('holds every command, subcommand, flag and enumerated value the CLI declares', () => {
    const tree = completionTree();
    const at = (path: string) => tree.find((n) => n.path === path)!;
    expect(at('').commands.map((c) => c.name)).toEqual(expect.arrayContaining(['fix', 'history', 'predict', 'add', 'search', 'completion', 'init', 'task-patterns', 'config', 'episode']));
    expect(at('').commands.map((c) => c.name)).not.toContain('__ingest'); // hidden
    expect(at('').commands.map((c) => c.name)).not.toContain('patterns'); // the old spelling, a hidden alias
    expect(at('fix').commands.map((c) => c.name)).toContain('patterns');
    expect(at('task-patterns').commands.map((c) => c.name)).toEqual(['extract', 'feedback']);
    expect(at('history').commands.map((c) => c.name)).toEqual(['rm']);
    expect(at('history').flags.flatMap((f) => f.names)).toEqual(expect.arrayContaining(['--fuzzy', '--regex', '-n', '--limit', '--json', '--db']));
    expect(at('history').flags.flatMap((f) => f.names)).not.toContain('--after'); // a hidden alias
    expect(at('history').valued).toEqual(expect.arrayContaining(['--after', '--limit', '-n', '--db']));
    expect(at('import-history').flags.find((f) => f.names.includes('--shell'))!.value).toEqual(['zsh', 'bash', 'fish', 'atuin', 'auto']);
    expect(at('init').args).toEqual(['zsh', 'bash', 'fish']);
    expect(at('completion').args).toEqual(['bash', 'zsh', 'fish']);
    expect(at('config').commands.map((c) => c.name)).toEqual(['list', 'get', 'set', 'unset', 'path']);
    expect(at('fix record').flags.find((f) => f.names.includes('--from-json'))!.value).toBeNull(); // a file
  });

  it.each(['bash', 'zsh', 'fish'])('mem completion %s prints a script its shell parses (bash: shellcheck clean)', (shell) => {
    const r = box.mem(['completion', shell]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const file = join(box.dir, `c.${shell}`);
    writeFileSync(file, r.stdout);
    if (missingTools([shell]).length) return;
    const parse = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    expect(parse.status, parse.stderr).toBe(0);
    if (shell === 'bash' && !missingTools(['shellcheck']).length) {
      const sc = spawnSync('shellcheck', ['-s', 'bash', file], { encoding: 'utf8' });
      expect(sc.stdout).toBe('');
    }
    expect(box.mem(['completion', 'tcsh']).code).toBe(2);
  });
});

/** The prompt line after typing `text` and pressing Tab (twice to list choices). */
async function complete(t: Tmux, w: string, text: string, tabs = 1): Promise<string> {
  t.key(w, 'C-u');
  spawnSync('tmux', ['-L', t.socket, 'send-keys', '-t', w, '-l', text]);
  for (let i = 0; i < tabs; i++) {
    await sleep(150);
    t.key(w, 'Tab');
  }
  await sleep(700);
  return t.capture(w);
}

const lastPrompt = (capture: string) =>
  capture
    .split('\n')
    .filter((l) => /^mt\d+> /.test(l))
    .at(-1)!
    .replace(/^mt\d+> /, '')
    .trimEnd();

describe.each(['bash', 'zsh', 'fish'] as const)('completion in a real %s (tmux)', (shell) => {
  it('mem init --install sets it up; mem hi<Tab> completes to mem history; flags and values complete', async () => {
    if (missingTools(['tmux', shell]).length) return;
    const bin = ensureDir(join(box.dir, 'bin'));
    symlinkSync(BIN, join(bin, 'mem'));
    const rc = writeRcFiles(box, 'install');
    if (shell === 'zsh') appendFileSync(join(box.dir, '.zshrc'), '\nautoload -Uz compinit && compinit -u -d "$HOME/.zcompdump"\n');
    const inst = box.mem(['init', '--install', shell, '--json'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(inst.code, inst.stderr).toBe(0);
    const completion = inst.json().completion as string;
    expect(existsSync(completion)).toBe(true);
    if (shell !== 'fish') expect(readFileSync(join(box.dir, shell === 'zsh' ? '.zshrc' : '.bashrc'), 'utf8')).toContain(completion);
    else expect(completion).toBe(join(box.env.XDG_CONFIG_HOME!, 'fish', 'completions', 'mem.fish'));

    tmux = new Tmux();
    const env = shellEnv(box, { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    const argv = shell === 'fish' ? ['fish', '-i'] : shell === 'bash' ? ['bash', '--noprofile', '--rcfile', rc.bashrc, '-i'] : ['zsh', '-i'];
    const w = tmux.start(argv, env, box.dir);
    await until(`${shell} prompt`, () => /mt\d+> /.test(tmux!.capture(w)), 15_000, 100);

    expect(lastPrompt(await complete(tmux, w, 'mem hi'))).toBe('mem history');
    expect(lastPrompt(await complete(tmux, w, 'mem history --fu'))).toBe('mem history --fuzzy');
    expect(lastPrompt(await complete(tmux, w, 'mem history r'))).toBe('mem history rm');
    expect(lastPrompt(await complete(tmux, w, 'mem --json con'))).toMatch(/^mem --json con(fig|text)?$/); // config and context: a choice
    expect(lastPrompt(await complete(tmux, w, 'mem import-history --shell at'))).toBe('mem import-history --shell atuin');
    expect(lastPrompt(await complete(tmux, w, 'mem init fi'))).toBe('mem init fish');
    expect(lastPrompt(await complete(tmux, w, 'mem task-patterns ex'))).toBe('mem task-patterns extract');
    expect(lastPrompt(await complete(tmux, w, 'mem config un'))).toBe('mem config unset');
    const listed = await complete(tmux, w, 'mem import-history --shell ', 2);
    for (const v of ['atuin', 'auto', 'bash', 'fish', 'zsh']) expect(listed).toContain(v);
    tmux.key(w, 'C-c');
  }, 60_000);
});
