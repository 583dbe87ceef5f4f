// The shell integration scripts live in shell-hooks/ as real files; `mem init` prints one with
// the path of this mem and the user's settings filled in, and `--install` adds the eval line to
// the shell's rc file once.
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';

export const SHELLS = ['zsh', 'bash'] as const;
export type Shell = (typeof SHELLS)[number];

export function parseShell(name: unknown): Shell {
  if (SHELLS.includes(name as Shell)) return name as Shell;
  throw new UsageError(`unsupported shell '${String(name)}' (supported: ${SHELLS.join(', ')})`);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function initScript(shell: Shell, config: Config, bin: string, node: string): string {
  const template = readFileSync(new URL(`../shell-hooks/mem.${shell}`, import.meta.url), 'utf8');
  const settings = [
    `__mem_bin=${quote(bin)}`,
    `__mem_node=${quote(node)}`,
    `__mem_ignore_space=${config.get<boolean>('history.ignore_space') ? 1 : "''"}`,
    `__mem_check_interval=${config.get<number>('history.ingest_interval_s')}`,
    `__mem_key_predict=${quote(keySequence(config.get<string>('keybindings.predict'), shell))}`,
  ].map((line) => `  ${line}`).join('\n');
  return template.replace(/^\s*# @MEM_SETTINGS@.*$/m, settings);
}

/**
 * A key in readline notation (`\C-x\C-p`, `\ep`, `\M-p`) for bash, or translated for zsh's
 * bindkey (`^X^P`, `^[p`). `none` or empty disables the binding.
 */
export function keySequence(key: string, shell: Shell): string {
  const k = key.trim();
  if (!k || k.toLowerCase() === 'none') return '';
  if (shell === 'bash') return k;
  return k.replace(/\\C-(.)/g, (_, c: string) => `^${c.toUpperCase()}`).replace(/\\(?:e|M-)/g, '^[');
}

export function rcFile(shell: Shell, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? '';
  return shell === 'zsh' ? join(env.ZDOTDIR || home, '.zshrc') : join(home, '.bashrc');
}

/** `mem` when this mem is what PATH finds, else its absolute path. */
export function invocation(bin: string, env: NodeJS.ProcessEnv): string {
  const onPath = (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, 'mem')) && samePath(join(d, 'mem'), bin));
  return onPath ? 'mem' : quote(bin);
}

function samePath(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

/**
 * Whether rc text runs `mem init <shell>` on a line that is not commented out: the line --install
 * writes (mem or a quoted path to it), `eval "$(mem init zsh)"` typed by hand, `source <(mem init bash)`.
 * Another tool's `eval "$(starship init zsh)"` is not it, whatever else the file mentions.
 */
export function hasInitLine(text: string, shell: Shell): boolean {
  const run = new RegExp(`(?:^|[\\s/'"(])mem['"]?\\s+init\\s+${shell}\\b`);
  return text.split('\n').some((line) => !/^\s*#/.test(line) && run.test(line));
}

export function install(shell: Shell, env: NodeJS.ProcessEnv, bin: string): { file: string; added: boolean; line: string } {
  const file = rcFile(shell, env);
  const line = `eval "$(${invocation(bin, env)} init ${shell})"`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (hasInitLine(current, shell)) return { file, added: false, line };
  appendFileSync(file, `${current && !current.endsWith('\n') ? '\n' : ''}\n# mem shell integration\n${line}\n`);
  return { file, added: true, line };
}
