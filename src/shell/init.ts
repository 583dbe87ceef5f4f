// The shell integration scripts live in shell-hooks/ as real files; `mem init <shell>` prints one
// with the path of this mem and the user's settings filled in. The same text is what
// `mem init --install` writes into the data directory for the rc file to `source` (generated.ts),
// so a new shell starts no Node.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';

export const SHELLS = ['zsh', 'bash', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function parseShell(name: unknown): Shell {
  if (SHELLS.includes(name as Shell)) return name as Shell;
  throw new UsageError(`unsupported shell '${String(name)}' (supported: ${SHELLS.join(', ')})`);
}

/** Everything a script has baked in. Generated scripts are rewritten when any of it changes. */
export interface InitSettings {
  bin: string;
  node: string;
  ignoreSpace: boolean;
  checkIntervalS: number;
  /** The picker the search key runs with node: bin/mem-picker beside bin/mem (dist/picker.cjs, with the code cache). */
  picker: string;
  /** keybindings.* in readline notation ('' or 'none': not bound). */
  keys: { predict: string; search: string };
}

export function initSettings(config: Config, bin: string, node: string): InitSettings {
  return {
    bin,
    node,
    ignoreSpace: config.get<boolean>('history.ignore_space'),
    checkIntervalS: config.get<number>('history.ingest_interval_s'),
    picker: join(dirname(bin), 'mem-picker'),
    keys: { predict: config.get<string>('keybindings.predict'), search: config.get<string>('keybindings.search') },
  };
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** fish single quotes: only \ and ' are special. */
const fishQuote = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export function initScript(shell: Shell, s: InitSettings): string {
  const template = readFileSync(new URL(`../shell-hooks/mem.${shell}`, import.meta.url), 'utf8');
  const lines =
    shell === 'fish'
      ? [
          `set -g __mem_bin ${fishQuote(s.bin)}`,
          `set -g __mem_node ${fishQuote(s.node)}`,
          `set -g __mem_ignore_space ${s.ignoreSpace ? 1 : "''"}`,
          `set -g __mem_check_interval ${s.checkIntervalS}`,
          `set -g __mem_key_predict ${fishKey(s.keys.predict) || "''"}`,
          `set -g __mem_picker ${fishQuote(s.picker)}`,
          `set -g __mem_key_search ${fishKey(s.keys.search) || "''"}`,
        ].map((l) => `    ${l}`)
      : [
          `__mem_bin=${sh(s.bin)}`,
          `__mem_node=${sh(s.node)}`,
          `__mem_ignore_space=${s.ignoreSpace ? 1 : "''"}`,
          `__mem_check_interval=${s.checkIntervalS}`,
          `__mem_key_predict=${sh(keySequence(s.keys.predict, shell))}`,
          `__mem_picker=${sh(s.picker)}`,
          `__mem_key_search=${sh(keySequence(s.keys.search, shell))}`,
        ].map((l) => `  ${l}`);
  return template.replace(/^\s*# @MEM_SETTINGS@.*$/m, lines.join('\n'));
}

/**
 * A key in readline notation (`\C-x\C-p`, `\ep`, `\M-p`) for bash, or translated for zsh's
 * bindkey (`^X^P`, `^[p`). `none` or empty disables the binding. (fish: see fishKey.)
 */
export function keySequence(key: string, shell: Exclude<Shell, 'fish'>): string {
  const k = key.trim();
  if (!k || k.toLowerCase() === 'none') return '';
  if (shell === 'bash') return k;
  return k.replace(/\\C-(.)/g, (_, c: string) => `^${c.toUpperCase()}`).replace(/\\(?:e|M-)/g, '^[');
}

/**
 * The key as a fish token for `bind`: escapes unquoted (`\cx`, `\e`), everything else quoted, so
 * a setting can never be more than a key sequence in the script. '' when not bound.
 */
export function fishKey(key: string): string {
  const k = key.trim();
  if (!k || k.toLowerCase() === 'none') return '';
  let out = '';
  for (let rest = k; rest; ) {
    const ctrl = /^\\C-(.)/.exec(rest);
    const meta = /^\\(?:e|M-)/.exec(rest);
    if (ctrl && /^[a-z@[\]^_]$/i.test(ctrl[1]!)) {
      out += `\\c${ctrl[1]!.toLowerCase()}`;
      rest = rest.slice(ctrl[0].length);
    } else if (meta) {
      out += '\\e';
      rest = rest.slice(meta[0].length);
    } else {
      out += fishQuote(rest[0]!);
      rest = rest.slice(1);
    }
  }
  return out;
}
