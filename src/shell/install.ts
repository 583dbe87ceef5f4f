// `mem init --install <shell>`: writes the generated script (generated.ts) and makes the shell load
// it at start: one `source` line in ~/.zshrc or ~/.bashrc, or ~/.config/fish/conf.d/mem.fish.
// An rc file that still runs `eval "$(mem init zsh)"` (which starts Node in every new shell) is
// migrated: that line becomes the source line, duplicates are removed, and the file is backed up
// first. Running it again changes nothing.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Paths } from '../core/paths.js';
import { writeInitScript, type InitPlace } from './generated.js';
import { type Shell } from './init.js';
import { makeDirs } from '../util/dirs.js';

export interface InstallResult {
  shell: Shell;
  /** The file that loads mem (rc file, or fish's conf.d snippet). */
  file: string;
  /** The generated script it sources. */
  script: string;
  action: 'added' | 'migrated' | 'unchanged';
  backup: string | null;
  /** Lines that run `mem init` in a way not recognised well enough to rewrite: left as they were. */
  kept: string[];
  /** Other files changed (fish: `mem init fish | source` lines removed from config.fish). */
  also: string[];
  /** The tab-completion script written (bash and zsh: sourced from the rc file; fish: its completions directory), or null. */
  completion: string | null;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const fishQuote = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
const COMMENT = '# mem shell integration';

function fishConfigDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME ?? '', '.config'), 'fish');
}

/** The file --install writes to. */
export function rcFile(shell: Shell, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? '';
  if (shell === 'fish') return join(fishConfigDir(env), 'conf.d', 'mem.fish');
  return shell === 'zsh' ? join(env.ZDOTDIR || home, '.zshrc') : join(home, '.bashrc');
}

export function sourceLine(_shell: Exclude<Shell, 'fish'>, script: string): string {
  return `if [ -r ${sh(script)} ]; then source ${sh(script)}; fi`;
}

// How mem's own invocation may be written: mem, a path to it, or a quoted path.
const MEM = `(?:'[^']*'|"[^"]*"|\\S+)`;
const evalExpr = (shell: Shell) => new RegExp(`eval\\s+"\\$\\(\\s*${MEM}\\s+init\\s+${shell}\\s*\\)"`);
const procExpr = (shell: Shell) => new RegExp(`(?:source|\\.)\\s+<\\(\\s*${MEM}\\s+init\\s+${shell}\\s*\\)`);
const pipeExpr = (shell: Shell) => new RegExp(`${MEM}\\s+init\\s+${shell}\\s*\\|\\s*source\\b`);
const generatedExpr = (shell: Shell) => new RegExp(`(?:source|\\.)\\s+(?:'[^']*|"[^"]*|[^'"\\s]*)/init/mem\\.${shell}\\b`);

/**
 * How rc text loads mem for `shell`, on a line that is not commented out: 'source' (the generated
 * script), 'eval' (`eval "$(mem init zsh)"`, `source <(mem init bash)`, `mem init fish | source`:
 * Node at every shell start), or null. Another tool's `eval "$(starship init zsh)"` is not it.
 */
export function initLineKind(text: string, shell: Shell): 'source' | 'eval' | null {
  const run = new RegExp(`(?:^|[\\s/'"(])mem['"]?\\s+init\\s+${shell}\\b`);
  let kind: 'source' | 'eval' | null = null;
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (run.test(line)) return 'eval';
    if (generatedExpr(shell).test(line)) kind = 'source';
  }
  return kind;
}

function backupOf(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${file}.mem-backup-${stamp}`;
}

/** Writes in place (an rc file may be a symlink into a dotfiles repository), after a backup. */
function rewrite(file: string, text: string, now: number): string | null {
  let backup: string | null = null;
  if (existsSync(file)) {
    backup = backupOf(file, now);
    copyFileSync(file, backup);
  } else makeDirs(dirname(file), 0o777);
  writeFileSync(file, text);
  return backup;
}

/** The rc text with mem loaded from `script` exactly once. */
export function migrateRc(text: string, shell: Exclude<Shell, 'fish'>, script: string): { text: string; kept: string[] } {
  const want = sourceLine(shell, script);
  const lines = text.split('\n');
  const isMem = (l: string) => !/^\s*#/.test(l) && initLineKind(l, shell) !== null;
  const whole = (l: string) => {
    const t = l.trim().replace(/;$/, '');
    return [evalExpr(shell), procExpr(shell)].some((re) => new RegExp(`^${re.source}$`).test(t)) || t === want || new RegExp(`^if \\[ -r .*/init/mem\\.${shell}'? \\]; then source .*; fi$`).test(t);
  };
  const kept: string[] = [];
  let placed = false;
  const out: string[] = [];
  for (const line of lines) {
    if (!isMem(line)) {
      out.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)![0];
    if (whole(line)) {
      if (!placed) out.push(indent + want);
      else if (out.at(-1)?.trim() === COMMENT) out.pop(); // a duplicate and its comment go
      placed = true;
      continue;
    }
    // Part of a longer line (`command -v mem >/dev/null && eval "$(mem init zsh)"`): only the
    // expression changes. Loading twice is harmless (the script loads once per shell).
    const replaced = line.replace(evalExpr(shell), `source ${sh(script)}`).replace(procExpr(shell), `source ${sh(script)}`);
    if (replaced !== line || generatedExpr(shell).test(line)) placed = true;
    else kept.push(line.trim());
    out.push(replaced);
  }
  if (!placed) {
    while (out.length && out.at(-1) === '') out.pop();
    out.push(...(out.length ? [''] : []), COMMENT, want, '');
  }
  return { text: out.join('\n'), kept };
}

/** The directories the hooks write to, created (0700) now so that the hooks never need to. */
export function ensureShellDirs(p: Pick<Paths, 'dataDir' | 'spool' | 'run'>): void {
  try {
    for (const dir of [p.dataDir, p.spool, p.run]) makeDirs(dir);
  } catch {
    // the hooks try again; mem doctor reports an unwritable directory
  }
}

/** Where the completion script goes: fish autoloads it from its completions directory; bash and zsh source it. */
export function completionFile(shell: Shell, script: string, env: NodeJS.ProcessEnv): string {
  return shell === 'fish' ? join(fishConfigDir(env), 'completions', 'mem.fish') : join(dirname(script), `completion.${shell}`);
}

/** The rc text with a line sourcing the completion script after mem's own line (once). */
function withCompletionLine(text: string, shell: Exclude<Shell, 'fish'>, script: string, completion: string): string {
  const line = sourceLine(shell, completion);
  const lines = text.split('\n');
  if (lines.some((l) => l.trim() === line)) return text;
  const at = lines.findIndex((l) => l.trim() === sourceLine(shell, script));
  if (at < 0) return text.replace(/\n*$/, '\n') + line + '\n';
  lines.splice(at + 1, 0, /^\s*/.exec(lines[at]!)![0] + line);
  return lines.join('\n');
}

/** Registers zsh's `_mem` after compinit (an rc file may call it later than this is loaded: then at the first prompt). */
export const ZSH_COMPDEF = `if (( $+functions[compdef] )); then
  compdef _mem mem
else
  __mem_compdef() {
    (( $+functions[compdef] )) && compdef _mem mem
    precmd_functions=(\${precmd_functions:#__mem_compdef})
    unfunction __mem_compdef
  }
  precmd_functions+=(__mem_compdef)
fi
`;

/** Loads the completion script at the first Tab after `mem` (the script registers itself again). */
function completionLoader(shell: Exclude<Shell, 'fish'>, full: string): string {
  const head = '# mem tab completion (written by `mem init --install`): loads the generated script at the first Tab.\n';
  if (shell === 'bash') return `${head}# shellcheck source=/dev/null\n_mem() { unset -f _mem; source ${sh(full)} && _mem "$@"; }\ncomplete -o filenames -F _mem mem\n`;
  return `${head}_mem() { unfunction _mem; source ${sh(full)} && _mem "$@"; }
${ZSH_COMPDEF}`;
}

export function install(
  w: InitPlace & { paths: Pick<Paths, 'dataDir' | 'spool' | 'run'> },
  shell: Shell,
  bin: string,
  node: string,
  now: number,
  completionText?: string,
): InstallResult {
  const env = w.env;
  ensureShellDirs(w.paths);
  const script = writeInitScript(w, shell, bin, node);
  const file = rcFile(shell, env);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const result: InstallResult = { shell, file, script, action: 'unchanged', backup: null, kept: [], also: [], completion: null };
  if (completionText !== undefined) {
    result.completion = completionFile(shell, script, env);
    makeDirs(dirname(result.completion), 0o777);
    if (shell === 'fish') writeFileSync(result.completion, completionText); // fish loads it at the first Tab
    else {
      // The rc file sources a few lines that load the whole script at the first Tab: a new shell pays nothing.
      const full = join(dirname(script), `completion-full.${shell}`);
      writeFileSync(full, completionText);
      writeFileSync(result.completion, completionLoader(shell, full));
    }
  }
  let next: string;
  if (shell === 'fish') {
    next = `${COMMENT} (written by \`mem init --install fish\`). It sources the script mem keeps current in\n# its data directory, so starting fish never starts Node.\nif test -r ${fishQuote(script)}\n    source ${fishQuote(script)}\nend\n`;
    result.also = dropFishEvalLines(env, now);
  } else {
    const m = migrateRc(current ?? '', shell, script);
    next = result.completion ? withCompletionLine(m.text, shell, script, result.completion) : m.text;
    result.kept = m.kept;
  }
  if (next !== current) {
    result.backup = rewrite(file, next, now);
    result.action = current !== null && initLineKind(current, shell) ? 'migrated' : 'added';
  }
  return result;
}

/** `mem init fish | source` lines in config.fish (the conf.d snippet replaces them). */
function dropFishEvalLines(env: NodeJS.ProcessEnv, now: number): string[] {
  const file = join(fishConfigDir(env), 'config.fish');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const re = new RegExp(`^\\s*${pipeExpr('fish').source}\\s*$`);
  const lines = text.split('\n');
  const keep = lines.filter((l, i) => !re.test(l) && !(l.trim() === COMMENT && re.test(lines[i + 1] ?? '')));
  if (keep.length === lines.length) return [];
  rewrite(file, keep.join('\n'), now);
  return [file];
}

