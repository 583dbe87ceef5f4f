// Ctrl-R in real bash, zsh and fish (tmux): the picker opens over captured history; typing filters,
// Enter puts the line on the prompt without running it, Tab puts it there to edit, Esc gives back
// what was typed, Ctrl-R cycles the scopes, Ctrl-D deletes an entry after asking, and
// `keybindings.search none` leaves the shell's own Ctrl-R alone.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from './helpers.js';
import { ensureDir, history, holdWriteLock, missingTools, outputLines, shellCommand, shellEnv, sleep, spoolLine, stopIngester, Tmux, until, writeRcFiles, type ShellName } from './shell-support.js';

const missing = missingTools(['bash', 'zsh', 'fish', 'tmux']);
const SHELLS: ShellName[] = ['bash', 'zsh', 'fish'];

let box: Sandbox;
let tmux: Tmux | undefined;
beforeEach(() => (box = sandbox()));
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  await stopIngester(box);
  box.cleanup();
});

/** History as the hooks would have captured it in an earlier session, already in the store. */
function seed(): void {
  const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
  const now = Date.now();
  const lines = ['echo alpha-one', 'echo zeta-marker', 'false && echo failed-one', 'echo delete-me-please'];
  lines.forEach((command, i) =>
    appendFileSync(join(dir, 'old.spool'), spoolLine({ session: 'old', seq: i + 1, startUs: (now - (10 - i) * 60_000) * 1000, exit: command.startsWith('false') ? 1 : 0, cwd: box.dir, command })),
  );
  expect(history(box).map((r) => r.command)).toEqual(lines);
}

const prompt = (t: Tmux, w: string) => until('a prompt', () => /^mt1> /m.test(t.capture(w)), 15_000, 50);
const screen = (t: Tmux, w: string) => t.capture(w);
/** The picker is drawn (its header), showing `text`. */
const shows = (t: Tmux, w: string, text: string) => until(`the picker showing ${text}`, () => screen(t, w).includes('mem history:') && screen(t, w).includes(text), 20_000, 50);
/** The picker is gone and the prompt line holds exactly `line`. */
const onPrompt = (t: Tmux, w: string, line: string) =>
  until(`the prompt holding ${JSON.stringify(line)}`, () => {
    const s = screen(t, w);
    if (s.includes('mem history:')) return false;
    const last = s.split('\n').filter((l) => l.startsWith('mt1> ')).pop();
    return last?.trimEnd() === `mt1> ${line}`.trimEnd();
  }, 15_000, 50);

/** Types text without Enter. */
const lit = (t: Tmux, w: string, text: string) => spawnSync('tmux', ['-L', t.socket, 'send-keys', '-t', w, '-l', '--', text]);

describe.skipIf(missing.length > 0)('Ctrl-R in a real shell', () => {
  it.each(SHELLS)('%s: type and Enter put the line on the prompt (not run); Esc gives back what was typed; Tab; scopes; delete', async (shell) => {
    seed();
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand(shell, rc), shellEnv(box), box.dir);
    await prompt(tmux, w);

    // Type, Enter: the chosen line is on the prompt, not run; Enter again runs it.
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'echo delete-me-please');
    lit(tmux, w, 'zeta');
    await until('the query typed', () => screen(tmux!, w).includes('> zeta'), 10_000, 50);
    tmux.key(w, 'Enter');
    await onPrompt(tmux, w, 'echo zeta-marker');
    expect(outputLines(screen(tmux, w), 'zeta-marker')).toBe(0);
    tmux.key(w, 'Enter');
    await until('zeta-marker printed', () => outputLines(screen(tmux!, w), 'zeta-marker') === 1, 10_000, 50);
    await prompt(tmux, w);

    // Esc: the line as it was typed.
    lit(tmux, w, 'keepme');
    tmux.key(w, 'C-r');
    await shows(tmux, w, '> keepme');
    lit(tmux, w, ' more');
    await shows(tmux, w, '> keepme more');
    tmux.key(w, 'Escape');
    await onPrompt(tmux, w, 'keepme');
    tmux.key(w, 'C-u');

    // Tab: on the prompt to edit.
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'echo delete-me-please');
    lit(tmux, w, 'alpha');
    await shows(tmux, w, '> alpha');
    tmux.key(w, 'Tab');
    await onPrompt(tmux, w, 'echo alpha-one');
    lit(tmux, w, '-edited');
    tmux.key(w, 'Enter');
    await until('the edited line run', () => outputLines(screen(tmux!, w), 'alpha-one-edited') === 1, 10_000, 50);

    // Ctrl-R inside the picker cycles the scopes (not a git repository here: no repository scope).
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'mem history: all history');
    for (const label of ['this host', 'this session', 'this directory', 'all history']) {
      tmux.key(w, 'C-r');
      await shows(tmux, w, `mem history: ${label}`);
    }
    tmux.key(w, 'Escape');
    await onPrompt(tmux, w, '');

    // Ctrl-D asks, y deletes: the row goes from the picker and from the store.
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'echo delete-me-please');
    lit(tmux, w, 'delete-me');
    await shows(tmux, w, '> delete-me');
    tmux.key(w, 'C-d');
    await shows(tmux, w, 'from history (1 run)? [y/N]');
    lit(tmux, w, 'y');
    await shows(tmux, w, 'deleted 1 run of "echo delete-me-please"');
    expect(screen(tmux, w)).not.toMatch(/^. +\S+ +\S* +echo delete-me-please/m);
    tmux.key(w, 'Escape');
    await onPrompt(tmux, w, '');
    expect(history(box).map((r) => r.command)).not.toContain('echo delete-me-please');
    expect(history(box).map((r) => r.command)).toContain('echo zeta-marker');
  });

  it('a deletion the store cannot take now (busy) says so and keeps the picker; the terminal is never left on its screen', async () => {
    seed();
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('bash', rc), shellEnv(box, { MEM_STORE_BUSY_TIMEOUT_MS: '200' }), box.dir);
    await prompt(tmux, w);
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'echo delete-me-please');
    lit(tmux, w, 'delete-me');
    await shows(tmux, w, '> delete-me');
    tmux.key(w, 'C-d');
    await shows(tmux, w, 'from history (1 run)? [y/N]');
    const children: number[] = [];
    const lock = await holdWriteLock(box, 60_000, children);
    try {
      lit(tmux, w, 'y');
      await shows(tmux, w, 'was not deleted: store busy');
      // Still the picker, still usable: Esc gives the prompt back, on the shell's own screen.
      tmux.key(w, 'Escape');
      await onPrompt(tmux, w, '');
      const alt = spawnSync('tmux', ['-L', tmux.socket, 'display-message', '-p', '-t', w, '#{alternate_on}'], { encoding: 'utf8' });
      expect(alt.stdout.trim()).toBe('0');
    } finally {
      for (const pid of children) process.kill(pid);
      await lock.released;
    }
    expect(history(box).map((r) => r.command)).toContain('echo delete-me-please');
  });

  it('a resized terminal is drawn again at its new size', async () => {
    seed();
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('bash', rc), shellEnv(box), box.dir);
    await prompt(tmux, w);
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'echo delete-me-please');
    const header = () => screen(tmux!, w).split('\n')[0]!.trimEnd();
    await until('the header at 200 columns', () => header().length === 200 && header().endsWith('4/4'), 10_000, 50);
    for (const [x, y] of [[60, 20], [120, 30]] as const) {
      spawnSync('tmux', ['-L', tmux.socket, 'resize-window', '-t', w, '-x', String(x), '-y', String(y)]);
      // The count sits at the right edge of the new width: the frame was drawn again for it.
      await until(`the header at ${x} columns`, () => header().length === x && header().endsWith('4/4'), 10_000, 50);
    }
    tmux.key(w, 'Escape');
    await onPrompt(tmux, w, '');
  });

  it('keys typed before the picker is drawn are not lost, and Enter answers at once', async () => {
    // A fast typist: Ctrl-R, the query and Enter in one go, before the first paint and while the
    // picker still reads the whole history (a step at a time, between keys).
    seed();
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('bash', rc), shellEnv(box), box.dir);
    await prompt(tmux, w);
    tmux.key(w, 'C-r');
    lit(tmux, w, 'zeta');
    tmux.key(w, 'Enter');
    await onPrompt(tmux, w, 'echo zeta-marker');
  });

  it.each(SHELLS)('%s: keybindings.search none leaves the shell\'s own Ctrl-R alone', async (shell) => {
    seed();
    expect(box.mem(['config', 'set', 'keybindings.search', 'none']).code).toBe(0);
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand(shell, rc), shellEnv(box), box.dir);
    await prompt(tmux, w);
    tmux.key(w, 'C-r');
    const native = { bash: 'reverse-i-search', zsh: 'bck-i-search', fish: 'search' }[shell];
    await until(`${shell}'s own history search`, () => screen(tmux!, w).includes(native), 10_000, 50);
    await sleep(1500); // time enough for a picker to have drawn
    expect(screen(tmux, w)).not.toContain('mem history:');
  });

  it.each([
    ['without NO_COLOR', true, {}],
    ['with NO_COLOR', false, { NO_COLOR: '1' }],
  ] as const)('%s: the picker draws in colour: %s', async (_, colour, extra) => {
    seed();
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('bash', rc), shellEnv(box, extra), box.dir);
    await prompt(tmux, w);
    tmux.key(w, 'C-r');
    await shows(tmux, w, 'echo delete-me-please');
    lit(tmux, w, 'echo');
    await shows(tmux, w, '> echo');
    await sleep(300);
    // With escape sequences (-e): SGR codes only when colour is on.
    const raw = spawnSync('tmux', ['-L', tmux.socket, 'capture-pane', '-p', '-e', '-t', w], { encoding: 'utf8' }).stdout;
     
    expect(/\x1b\[[0-9;]*m/.test(raw.replace(/\x1b\[0?m/g, ''))).toBe(colour);
    expect(raw).toContain('zeta-marker');
    tmux.key(w, 'Escape');
    await onPrompt(tmux, w, '');
  });

  it('mem picker into a pipe whose reader has gone: exit 0, quietly; into /dev/full: one line and exit 1 (never an internal error)', async () => {
    seed();
    tmux = new Tmux();
    const w = tmux.start(['bash', '--norc', '--noprofile'], shellEnv(box, { PS1: 'mt1> ', HISTFILE: '/dev/null' }), box.dir);
    await prompt(tmux, w);
    const bin = `"${process.execPath}" "${BIN}"`;
    for (const [run, marker, code, said] of [
      [`${bin} picker | (sleep 0.2; true); echo "gone=\${PIPESTATUS[0]}"`, 'gone', 0, null],
      [`${bin} picker >/dev/full; echo "full=$?"`, 'full', 1, 'mem: cannot write the output (ENOSPC): it is incomplete'],
    ] as const) {
      tmux.type(w, run);
      await shows(tmux, w, 'echo delete-me-please');
      await sleep(400); // the reader of the pipe is gone by now
      tmux.key(w, 'Enter');
      const out = await until(`${marker}=`, () => screen(tmux!, w).match(new RegExp(`\n${marker}=(\\d+)`)) ?? undefined, 15_000, 50);
      expect(Number(out[1]), run).toBe(code);
      const s = screen(tmux, w);
      expect(s, run).not.toContain('internal error');
      expect(s, run).not.toContain('disk full');
      if (said) expect(s, run).toContain(`\n${said}\n`);
    }
  });
});
