// `mem init --install`: the rc file sources a script mem generates into its data directory (no
// Node at shell start), an old `eval "$(mem init zsh)"` line is migrated once, and the generated
// scripts are kept current (config changes, a new mem version) without ever being run by Node.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, missingTools, shellEnv, stopIngester, writeRcFiles } from './shell-support.js';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await stopIngester(box);
  box.cleanup();
});

const init = (...args: string[]) => {
  const r = box.mem(['init', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const script = (shell: string) => join(box.env.MEM_HOME!, 'init', `mem.${shell}`);
const backups = (dir: string, name: string) => readdirSync(dir).filter((f) => f.startsWith(`${name}.mem-backup-`));
const check = (name: string) => box.mem(['doctor', '--json']).json().checks.find((c: { name: string }) => c.name === name);

describe('mem init --install', () => {
  it.each(['zsh', 'bash'] as const)('%s: a new rc file sources the generated script, which is what `mem init` prints', (shell) => {
    const r = init('--install', shell, '--json').json();
    const rc = join(box.dir, shell === 'zsh' ? '.zshrc' : '.bashrc');
    expect(r).toMatchObject({ shell, file: rc, script: script(shell), action: 'added', backup: null, kept: [] });
    const q = `'${script(shell)}'`;
    // The tab-completion script, beside the generated one, sourced after it.
    const c = `'${join(box.env.MEM_HOME!, 'init', `completion.${shell}`)}'`;
    expect(r.completion).toBe(c.slice(1, -1));
    expect(readFileSync(rc, 'utf8')).toBe(`# mem shell integration\nif [ -r ${q} ]; then source ${q}; fi\nif [ -r ${c} ]; then source ${c}; fi\n`);
    expect(readFileSync(script(shell), 'utf8')).toBe(init(shell).stdout);
    expect(statSync(join(box.env.MEM_HOME!, 'init')).mode & 0o777).toBe(0o700);
    expect(check('shell hook')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`installed for ${shell}`) });
    expect(check('shell start')).toBeUndefined();
    // Again: nothing changes, no backup.
    expect(init('--install', shell, '--json').json()).toMatchObject({ action: 'unchanged', backup: null });
    expect(init('--install', shell).stdout).toContain('already installed');
    expect(readFileSync(rc, 'utf8')).toBe(`# mem shell integration\nif [ -r ${q} ]; then source ${q}; fi\nif [ -r ${c} ]; then source ${c}; fi\n`);
    expect(backups(box.dir, shell === 'zsh' ? '.zshrc' : '.bashrc')).toEqual([]);
  });

  it('zsh: migrates eval lines (duplicates too) to one source line, backs the rc up once, leaves other tools alone', () => {
    const rc = join(box.dir, '.zshrc');
    const before = [
      '# remember: starship before mem',
      'eval "$(starship init zsh)"',
      '# mem shell integration',
      'eval "$(mem init zsh)"',
      'alias ll="ls -l"',
      '# mem shell integration',
      `eval "$('${BIN}' init zsh)"`,
      '# eval "$(mem init zsh)"  (an old note, commented out)',
      'command -v mem >/dev/null && eval "$(mem init zsh)"',
      '',
    ].join('\n');
    writeFileSync(rc, before);
    expect(check('shell start')).toMatchObject({ status: 'warn', detail: expect.stringContaining('mem init --install zsh') });
    const r = init('--install', 'zsh', '--json').json();
    expect(r).toMatchObject({ action: 'migrated', kept: [] });
    expect(readFileSync(r.backup, 'utf8')).toBe(before);
    const q = `'${script('zsh')}'`;
    const c = `'${join(box.env.MEM_HOME!, 'init', 'completion.zsh')}'`;
    expect(readFileSync(rc, 'utf8')).toBe(
      [
        '# remember: starship before mem',
        'eval "$(starship init zsh)"',
        '# mem shell integration',
        `if [ -r ${q} ]; then source ${q}; fi`,
        `if [ -r ${c} ]; then source ${c}; fi`,
        'alias ll="ls -l"',
        '# eval "$(mem init zsh)"  (an old note, commented out)',
        `command -v mem >/dev/null && source ${q}`,
        '',
      ].join('\n'),
    );
    expect(check('shell start')).toBeUndefined();
    const after = readFileSync(rc, 'utf8');
    expect(init('--install', 'zsh', '--json').json()).toMatchObject({ action: 'unchanged', backup: null, kept: [] });
    expect(readFileSync(rc, 'utf8')).toBe(after);
    expect(backups(box.dir, '.zshrc')).toHaveLength(1);
  });

  it('bash: `source <(mem init bash)` is migrated too; ZDOTDIR is honoured for zsh', () => {
    writeFileSync(join(box.dir, '.bashrc'), 'export EDITOR=vi\nsource <(mem init bash)\n');
    expect(init('--install', 'bash', '--json').json()).toMatchObject({ action: 'migrated' });
    const c = join(box.env.MEM_HOME!, 'init', 'completion.bash');
    expect(readFileSync(join(box.dir, '.bashrc'), 'utf8')).toBe(`export EDITOR=vi\nif [ -r '${script('bash')}' ]; then source '${script('bash')}'; fi\nif [ -r '${c}' ]; then source '${c}'; fi\n`);
    const zdot = ensureDir(join(box.dir, 'zdot'));
    const r = box.mem(['init', '--install', 'zsh', '--json'], { env: { ZDOTDIR: zdot } });
    expect(r.json()).toMatchObject({ file: join(zdot, '.zshrc'), action: 'added' });
  });

  it('fish: writes conf.d/mem.fish sourcing the generated script, and drops `mem init fish | source` from config.fish', () => {
    const fishDir = ensureDir(join(box.env.XDG_CONFIG_HOME!, 'fish'));
    writeFileSync(join(fishDir, 'config.fish'), 'set -g x 1\n# mem shell integration\nmem init fish | source\n');
    expect(check('shell start')).toMatchObject({ status: 'warn', detail: expect.stringContaining('mem init --install fish') });
    const r = init('--install', 'fish', '--json').json();
    const conf = join(fishDir, 'conf.d', 'mem.fish');
    expect(r).toMatchObject({ file: conf, script: script('fish'), action: 'added', also: [join(fishDir, 'config.fish')] });
    expect(readFileSync(conf, 'utf8')).toContain(`if test -r '${script('fish')}'\n    source '${script('fish')}'\nend\n`);
    expect(readFileSync(join(fishDir, 'config.fish'), 'utf8')).toBe('set -g x 1\n');
    expect(backups(fishDir, 'config.fish')).toHaveLength(1);
    expect(init('--install', 'fish', '--json').json()).toMatchObject({ action: 'unchanged', also: [] });
    expect(check('shell hook')).toMatchObject({ status: 'ok', detail: expect.stringContaining('installed for fish') });
    expect(check('shell start')).toBeUndefined();
  });

  it('an unknown or missing shell is a usage error (exit 2)', () => {
    for (const args of [['init', 'tcsh'], ['init', '--install', 'tcsh'], ['init']]) {
      const r = box.mem(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^mem: [^\n]+\n$/);
    }
    expect(box.mem(['init', 'tcsh']).stderr).toContain("value 'tcsh' is invalid for argument 'shell'. Allowed choices are zsh, bash, fish.");
  });

  it('doctor fails when the rc sources a generated script that is gone', () => {
    init('--install', 'zsh');
    spawnSync('rm', ['-rf', join(box.env.MEM_HOME!, 'init')]);
    expect(check('shell start')).toMatchObject({ status: 'fail', detail: expect.stringContaining('mem init --install zsh') });
  });
});

describe('generated scripts stay current', () => {
  const mtime = (f: string) => statSync(f).mtimeMs;
  const age = (f: string) => utimesSync(f, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

  it('mem config set/unset of a setting the script uses rewrites every generated script; another setting does not', () => {
    init('--install', 'zsh');
    init('--install', 'fish');
    for (const sh of ['zsh', 'fish']) age(script(sh));
    const before = mtime(script('zsh'));
    expect(box.mem(['config', 'set', 'backup.keep', '3']).code).toBe(0);
    expect(mtime(script('zsh'))).toBe(before);
    expect(box.mem(['config', 'set', 'history.ignore_space', 'false']).code).toBe(0);
    expect(readFileSync(script('zsh'), 'utf8')).toContain("__mem_ignore_space=''");
    expect(readFileSync(script('fish'), 'utf8')).toContain("set -g __mem_ignore_space ''");
    expect(box.mem(['config', 'set', 'keybindings.predict', '\\ep']).code).toBe(0);
    expect(readFileSync(script('zsh'), 'utf8')).toContain("__mem_key_predict='^[p'");
    expect(readFileSync(script('fish'), 'utf8')).toContain("set -g __mem_key_predict \\e'p'");
    expect(box.mem(['config', 'unset', 'history.ignore_space']).code).toBe(0);
    expect(readFileSync(script('zsh'), 'utf8')).toContain('__mem_ignore_space=1');
    expect(existsSync(script('bash'))).toBe(false); // only the shells installed
  });

  it('the config file, not the environment of whichever mem rewrote it, decides what the script bakes in', () => {
    init('--install', 'zsh');
    const r = box.mem(['init', 'zsh'], { env: { MEM_HISTORY_IGNORE_SPACE: '0' } });
    expect(r.stdout).toContain("__mem_ignore_space=''"); // the eval form follows the environment
    expect(readFileSync(script('zsh'), 'utf8')).toContain('__mem_ignore_space=1');
  });

  it('a new mem version (the stamp differs) rewrites the scripts at the next command that reads history', () => {
    init('--install', 'bash');
    const stamp = join(box.env.MEM_HOME!, 'init', 'stamp.json');
    writeFileSync(script('bash'), '# an old version of the script\n');
    writeFileSync(stamp, JSON.stringify({ ...JSON.parse(readFileSync(stamp, 'utf8')), version: '0.0.1' }));
    expect(box.mem(['history']).code).toBe(0);
    expect(readFileSync(script('bash'), 'utf8')).toBe(init('bash').stdout);
    expect(JSON.parse(readFileSync(stamp, 'utf8')).version).not.toBe('0.0.1');
  });

  it('scripts written by another installation of mem are left to it while it exists', () => {
    init('--install', 'zsh');
    const stamp = join(box.env.MEM_HOME!, 'init', 'stamp.json');
    const other = join(box.dir, 'other-mem');
    writeFileSync(other, '#!/bin/sh\n');
    writeFileSync(stamp, JSON.stringify({ ...JSON.parse(readFileSync(stamp, 'utf8')), bin: other, version: '0.0.1' }));
    writeFileSync(script('zsh'), '# the other installation\n');
    expect(box.mem(['history']).code).toBe(0);
    expect(readFileSync(script('zsh'), 'utf8')).toBe('# the other installation\n');
  });

  it('the ingester deletes the scratch files of shells gone for a day, and keeps the others', () => {
    const run = ensureDir(join(box.env.MEM_HOME!, 'run'));
    writeFileSync(join(run, 'bash-1.hist'), 'x');
    writeFileSync(join(run, 'fish-2.clock'), '');
    utimesSync(join(run, 'bash-1.hist'), new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    expect(box.mem(['history']).code).toBe(0);
    expect(readdirSync(run)).toEqual(['fish-2.clock']);
  });
});

const missing = missingTools(['bash', 'zsh', 'fish', 'strace']);

describe.skipIf(missing.length > 0)('a new shell starts no Node', () => {
  it.each(['bash', 'zsh', 'fish'] as const)('%s -i -c with the installed rc loads the hooks, forks nothing and execs nothing but the shell', (shell) => {
    writeRcFiles(box, 'install');
    const log = join(box.dir, 'strace.log');
    const show = shell === 'fish' ? 'echo "loaded=$__mem_loaded"' : 'echo "loaded=${__mem_loaded-}"';
    const argv = shell === 'bash' ? ['bash', '--noprofile', '-i', '-c', show] : [shell, '-i', '-c', show];
    const r = spawnSync('strace', ['-f', '-qq', '-o', log, '-e', 'trace=execve,clone,clone3,fork,vfork', ...argv], { encoding: 'utf8', env: shellEnv(box), cwd: box.dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('loaded=1\n'); // the hooks were loaded
    const lines = readFileSync(log, 'utf8').split('\n');
    const execs = lines.filter((l) => l.includes('execve(') && !l.includes('ENOENT'));
    expect(execs.map((l) => /execve\("([^"]+)"/.exec(l)?.[1])).toEqual([expect.stringMatching(new RegExp(`/${shell}$`))]);
    // Not even a subshell (fish starts threads, which are not processes).
    expect(lines.filter((l) => /\b(v?fork|clone3?)\(/.test(l) && !l.includes('CLONE_THREAD') && !l.includes('resumed>'))).toEqual([]);
  });
});
