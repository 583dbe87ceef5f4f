// Support for the shell-integration tests: real interactive shells in a private tmux server, the
// hook scripts as `mem init` prints them, polling `mem history`, and cleaning up the background
// ingester the hooks start. Not a test file itself.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, type Sandbox } from './helpers.js';

export const NODE = process.execPath;

/** Tools the shell tests need; CI installs them, so there a missing one fails instead of skipping. */
export function missingTools(tools: string[]): string[] {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).status !== 0);
  if (missing.length && process.env.CI) throw new Error(`shell tests need ${missing.join(', ')} (CI must install them)`);
  return missing;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000, everyMs = 150): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

export interface HistoryRow {
  id: number;
  command: string;
  cwd: string | null;
  git_root: string | null;
  exit_code: number | null;
  timestamp: string;
  duration_ms: number | null;
  session: string | null;
  shell: string | null;
  host: string | null;
  user: string | null;
  source: string;
}

export function history(box: Sandbox, args: string[] = [], env: NodeJS.ProcessEnv = {}): HistoryRow[] {
  const r = box.mem(['history', '--json', '--limit', '1000000', ...args], { env });
  if (r.code !== 0) throw new Error(`mem history exited ${r.code}: ${r.stderr}`);
  return r.json<{ commands: HistoryRow[] }>().commands;
}

/** The environment an interactive test shell starts with (nothing inherited but PATH). */
export function shellEnv(box: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: box.dir,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    USER: 'tester',
    MEM_HOME: box.env.MEM_HOME!,
    XDG_CONFIG_HOME: box.env.XDG_CONFIG_HOME!,
    MEM_HISTORY_DAEMON_LINGER_S: '5',
    ...extra,
  };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export type ShellName = 'bash' | 'zsh' | 'fish';
export interface RcFiles {
  bashrc: string;
  zshrc: string;
  fishrc: string;
}

/**
 * rc files loading the hooks the way users do: `eval "$(mem init ...)"` (`mem init fish | source`),
 * or with `mode: 'install'` the lines `mem init --install` writes (a generated script sourced, no
 * Node at shell start). The prompt shows SHLVL, so a test can tell the outer shell's prompt from a
 * nested one's: `mt1> `, `mt2> `.
 */
export function writeRcFiles(box: Sandbox, mode: 'eval' | 'install' = 'eval'): RcFiles {
  const bashBase = ['HISTCONTROL=ignorespace', 'HISTFILE="$HOME/.bash_history"', 'PS1="mt${SHLVL}> "'];
  const zshBase = ['PS1="mt${SHLVL}> "'];
  const fishBase = ['set -g fish_greeting', 'function fish_prompt; printf "mt%s> " $SHLVL; end'];
  const fishrc = join(ensureDir(join(box.env.XDG_CONFIG_HOME!, 'fish')), 'config.fish');
  // fish's first start generates completions from man pages in the background (python): not here.
  ensureDir(join(box.dir, '.local', 'share', 'fish', 'generated_completions'));
  if (mode === 'install') {
    const bashrc = join(box.dir, '.bashrc');
    const zshrc = join(box.dir, '.zshrc');
    writeFileSync(bashrc, bashBase.join('\n') + '\n');
    writeFileSync(zshrc, zshBase.join('\n') + '\n');
    writeFileSync(fishrc, fishBase.join('\n') + '\n');
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = box.mem(['init', '--install', shell]);
      if (r.code !== 0) throw new Error(`mem init --install ${shell}: ${r.stderr}`);
    }
    return { bashrc, zshrc, fishrc };
  }
  const bashrc = join(box.dir, 'test.bashrc');
  writeFileSync(bashrc, [...bashBase, `eval "$(${q(NODE)} ${q(BIN)} init bash)"`, ''].join('\n'));
  const zshrc = join(box.dir, '.zshrc');
  writeFileSync(zshrc, [...zshBase, `eval "$(${q(NODE)} ${q(BIN)} init zsh)"`, ''].join('\n'));
  writeFileSync(fishrc, [...fishBase, `${q(NODE)} ${q(BIN)} init fish | source`, ''].join('\n'));
  return { bashrc, zshrc, fishrc };
}

/** The command line that starts an interactive shell loading the hooks from the files above. */
export function shellCommand(shell: ShellName, rc: { bashrc: string }): string[] {
  if (shell === 'fish') return ['fish', '-i'];
  return shell === 'bash' ? ['bash', '--noprofile', '--rcfile', rc.bashrc, '-i'] : ['zsh', '-i'];
}

let counter = 0;

/** A private tmux server (its own socket) running one window per shell. */
export class Tmux {
  readonly socket = `memtest-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  private windows = 0;
  private socketPath = '';

  private tmux(args: string[], check = true): string {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
    if (check && r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `argv` under `env -i` in a new window (the first call starts the server); returns its target. */
  start(argv: string[], env: Record<string, string>, cwd: string): string {
    const target = `w${this.windows++}`;
    const cmd = ['env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv];
    if (target === 'w0') {
      this.tmux(['new-session', '-d', '-s', 'main', '-n', target, '-x', '200', '-y', '50', '-c', cwd, ...cmd]);
      this.socketPath = this.tmux(['display-message', '-p', '-t', 'main', '#{socket_path}']).trim();
    } else this.tmux(['new-window', '-d', '-t', 'main', '-n', target, '-c', cwd, ...cmd]);
    this.tmux(['set-option', '-t', 'main', 'history-limit', '50000']);
    return `main:${target}`;
  }

  /** Types `text` literally, then Enter. */
  type(target: string, text: string): void {
    if (text) this.tmux(['send-keys', '-t', target, '-l', text]);
    this.tmux(['send-keys', '-t', target, 'Enter']);
  }

  /** Presses one key (tmux key name, e.g. `C-x`). */
  key(target: string, key: string): void {
    this.tmux(['send-keys', '-t', target, key]);
  }

  /** Pastes many lines at once (each ends with a newline, which the shell reads as Enter). */
  typeLines(target: string, lines: string[]): void {
    this.tmux(['send-keys', '-t', target, '-l', lines.map((l) => l + '\n').join('')]);
  }

  /** Everything the window shows, including its scrollback, wrapped lines joined. */
  capture(target: string): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', target], false);
  }

  kill(): void {
    this.tmux(['kill-server'], false);
    if (this.socketPath.includes(this.socket)) rmSync(this.socketPath, { force: true }); // tmux leaves it behind
  }
}

/** Lines of a capture that are exactly `text` (command output, not the echoed command line). */
export const outputLines = (capture: string, text: string) => capture.split('\n').filter((l) => l.trimEnd() === text).length;

/**
 * Stops every ingester the hooks started for this sandbox: the pid in its lock file, and (Linux)
 * any `mem __ingest` process whose MEM_HOME is this sandbox's, e.g. one started just before its
 * shell died that has not taken the lock yet. Only processes of this sandbox are touched.
 */
export async function stopIngester(box: Sandbox): Promise<void> {
  const home = box.env.MEM_HOME!;
  const find = (): number[] => {
    const pids = new Set<number>();
    try {
      const pid = Number(readFileSync(join(home, 'ingest.lock'), 'utf8').trim());
      if (pid > 0) pids.add(pid);
    } catch {
      // no lock
    }
    if (existsSync('/proc/self/environ')) {
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try {
          if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('__ingest')) continue;
          if (readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`MEM_HOME=${home}`)) pids.add(Number(d));
        } catch {
          // gone, or not ours to read
        }
      }
    }
    return [...pids].filter(alive);
  };
  for (let round = 0; round < 3; round++) {
    const pids = find();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const pid of pids) {
      await until(`ingester ${pid} to exit`, () => !alive(pid), 3000, 25).catch(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      });
    }
    if (!pids.length && round > 0) break;
    await sleep(150);
  }
}

/** A process that exists and is not a zombie (an orphan's zombie may linger until init reaps it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return !existsSync('/proc/self/stat');
  }
}

export function ensureDir(dir: string): string {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  return dir;
}

/** Spool lines in the documented m1 format (fields escaped like the hooks do). */
export function spoolLine(r: { session: string; seq: number; startUs: number; durationMs?: number; exit?: number; shell?: string; host?: string; user?: string; cwd: string; command: string }): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return [
    'm1',
    r.session,
    r.seq,
    r.startUs,
    r.durationMs ?? 1,
    r.exit ?? 0,
    r.shell ?? 'bash',
    esc(r.host ?? 'host'),
    esc(r.user ?? 'tester'),
    esc(r.cwd),
    esc(r.command),
  ].join('\t') + '\n';
}

export interface Spooled {
  file: string;
  session: string;
  durationMs: number;
  exit: number;
  shell: string;
  cwd: string;
  command: string;
}

/** The records waiting in (or already read from) a sandbox's spool files, parsed. */
export function spooled(box: Sandbox): Spooled[] {
  const dir = join(box.env.MEM_HOME!, 'spool');
  if (!existsSync(dir)) return [];
  const unesc = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.spool') || f.endsWith('.done'))
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const f = l.split('\t');
          if (f.length !== 11) throw new Error(`malformed spool line in ${file}: ${JSON.stringify(l)}`);
          return { file, session: f[1]!, durationMs: Number(f[4]), exit: Number(f[5]), shell: f[6]!, cwd: unesc(f[9]!), command: unesc(f[10]!) };
        }),
    );
}

/** Runs a strict interactive shell without a terminal (setsid), reading `script` from stdin. */
export function interactive(shell: 'bash' | 'zsh', script: string, home: Sandbox) {
  const argv =
    shell === 'bash'
      ? ['bash', '--norc', '--noprofile', '--noediting', '-i', '-euo', 'pipefail']
      : ['zsh', '-f', '-i', '-eu', '-o', 'no_prompt_sp', '-o', 'no_prompt_cr'];
  const r = spawnSync('setsid', ['-w', ...argv], {
    encoding: 'utf8',
    input: script,
    cwd: home.dir,
    env: { ...shellEnv(home), PS1: '', PS2: '' },
    timeout: 30_000,
  });
  // Without a terminal bash says so once at startup, and says `exit` at the end of input.
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !/^bash: (cannot set terminal process group|no job control in this shell)/.test(l) && l !== 'exit')
    .join('\n');
  return { status: r.status, stdout: r.stdout, stderr, signal: r.signal };
}

/**
 * Another process takes the store's write lock and holds it for `ms` (its pid goes into `children`
 * for the caller to kill). Resolves once the lock is held; `output()` is what the holder printed
 * ('locked', then 'released'), and `released` settles when it exits.
 */
export async function holdWriteLock(box: Sandbox, ms: number, children: number[]): Promise<{ output: () => string; released: Promise<void> }> {
  const locker = spawn(
    NODE,
    [
      '-e',
      `const D = require(${JSON.stringify(join(ROOT, 'node_modules', 'better-sqlite3'))});
       const db = new D(${JSON.stringify(box.db)});
       db.exec('BEGIN IMMEDIATE');
       console.log('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
       db.exec('ROLLBACK');
       console.log('released');`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(locker.pid!);
  let out = '';
  locker.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const released = new Promise<void>((r) => locker.on('exit', () => r()));
  await until('the write lock', () => out.includes('locked'), 10_000, 10);
  return { output: () => out, released };
}
