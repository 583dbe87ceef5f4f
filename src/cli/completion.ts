// `mem completion bash|zsh|fish`: completion scripts generated from the CLI declaration itself
// (every command, subcommand, flag and enumerated value, as commander holds them), so they cannot
// drift from it. The scripts are data plus a small walker: the words before the cursor select a
// command path (skipping option values), and the path selects what to offer. They run only when
// Tab is pressed and start no process.
import type { CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { ZSH_COMPDEF } from '../shell/install.js';
import { fullTree } from './tree.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface Flag {
  names: string[];
  description: string;
  /** Takes a value: its choices, or null for any (a file, a number, a text). */
  value: string[] | null | false;
}

interface Node {
  /** Space-separated command path from the root ('' for mem itself). */
  path: string;
  commands: { name: string; description: string }[];
  flags: Flag[];
  /** Option names that take a value, hidden ones included (their value is skipped when walking). */
  valued: string[];
  /** Choices for the positional arguments, when the first one has them. */
  args: string[] | null;
}

function flagOf(o: Option): Flag {
  const names = [o.short, o.long].filter((n): n is string => Boolean(n));
  return { names, description: o.description, value: o.required || o.optional ? (o.argChoices ?? null) : false };
}

/** The declaration as a list of nodes, one per command path. */
export function completionTree(): Node[] {
  const program = fullTree();
  const globals = program.options.filter((o) => !o.hidden && o.long !== '--version').map(flagOf);
  const nodes: Node[] = [];
  const walk = (cmd: CommandUnknownOpts, path: string) => {
    const help = cmd.createHelp();
    const visible = help.visibleCommands(cmd).filter((c) => c.name() !== 'help');
    const own = help.visibleOptions(cmd).map(flagOf);
    const flags = path === '' ? [...own] : [...own, ...globals.filter((g) => !own.some((f) => f.names.some((n) => g.names.includes(n))))];
    const valued = [...cmd.options, ...program.options].filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((n): n is string => Boolean(n)));
    const first = cmd.registeredArguments[0];
    nodes.push({
      path,
      commands: visible.flatMap((c) => [c.name(), ...c.aliases()].map((name) => ({ name, description: c.description() }))),
      flags,
      valued: [...new Set(valued)],
      args: first?.argChoices ?? null,
    });
    for (const c of cmd.commands) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return nodes;
}

export function completionScript(shell: CompletionShell): string {
  const nodes = completionTree();
  return shell === 'bash' ? bashScript(nodes) : shell === 'zsh' ? zshScript(nodes) : fishScript(nodes);
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The walker's data as shell case arms (bash and zsh share the syntax). */
function caseArms(nodes: Node[], what: (n: Node) => string[]): string {
  return nodes.map((n) => `    ${sq(n.path)}) __mem_r=(${what(n).map(sq).join(' ')}) ;;`).join('\n');
}

function valueArms(nodes: Node[]): string {
  const arms: string[] = [];
  for (const n of nodes)
    for (const f of n.flags)
      if (f.value !== false) for (const name of f.names) arms.push(`    ${sq(`${n.path}|${name}`)}) __mem_r=(${f.value === null ? "'__file__'" : f.value.map(sq).join(' ')}) ;;`);
  return arms.join('\n');
}

/** Shared by bash and zsh: sets __mem_path from the words before the cursor. */
function walker(nodes: Node[]): string {
  return `__mem_subs() { case "$1" in
${caseArms(nodes, (n) => n.commands.map((c) => c.name))}
    *) __mem_r=() ;;
  esac; }
__mem_valued() { case "$1" in
${caseArms(nodes, (n) => n.valued)}
    *) __mem_r=() ;;
  esac; }
__mem_values() { case "$1" in
${valueArms(nodes)}
    *) __mem_r=() ;;
  esac; }
__mem_args() { case "$1" in
${caseArms(nodes.filter((n) => n.args), (n) => n.args!)}
    *) __mem_r=() ;;
  esac; }
# The command path of the words before the cursor (option values skipped), in __mem_path.
__mem_walk() {
  local w skip=0 x
  __mem_path=''
  for w in "$@"; do
    if (( skip )); then skip=0; continue; fi
    case "$w" in
      --*=*) continue ;;
      -*) __mem_valued "$__mem_path"; for x in "\${__mem_r[@]}"; do [[ "$x" == "$w" ]] && skip=1; done; continue ;;
    esac
    __mem_subs "$__mem_path"
    for x in "\${__mem_r[@]}"; do
      if [[ "$x" == "$w" ]]; then __mem_path="\${__mem_path:+$__mem_path }$w"; break; fi
    done
  done
}`;
}

function bashScript(nodes: Node[]): string {
  const flags = (n: Node) => n.flags.flatMap((f) => f.names);
  return `# mem completion for bash (generated from mem's command declarations by \`mem completion bash\`).
${walker(nodes)}
__mem_flags() { case "$1" in
${caseArms(nodes, flags)}
    *) __mem_r=() ;;
  esac; }
_mem() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" x
  local -a __mem_r words=("\${COMP_WORDS[@]:1:COMP_CWORD-1}")
  local __mem_path
  COMPREPLY=()
  if (( COMP_CWORD > 1 )); then __mem_walk "\${words[@]:0:\${#words[@]}-1}"; else __mem_path=''; fi
  if [[ "$prev" == -* ]]; then
    __mem_values "$__mem_path|$prev"
    if (( \${#__mem_r[@]} )); then
      if [[ "\${__mem_r[0]}" == __file__ ]]; then mapfile -t COMPREPLY < <(compgen -f -- "$cur"); else mapfile -t COMPREPLY < <(compgen -W "\${__mem_r[*]}" -- "$cur"); fi
      return 0
    fi
  fi
  __mem_walk "\${words[@]}"
  if [[ "$cur" == -* ]]; then
    __mem_flags "$__mem_path"
    mapfile -t COMPREPLY < <(compgen -W "\${__mem_r[*]}" -- "$cur")
    return 0
  fi
  __mem_subs "$__mem_path"
  local -a subs=("\${__mem_r[@]}")
  __mem_args "$__mem_path"
  mapfile -t COMPREPLY < <(compgen -W "\${subs[*]} \${__mem_r[*]}" -- "$cur")
  (( \${#COMPREPLY[@]} )) || mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  return 0
}
complete -o filenames -F _mem mem
`;
}

function zshScript(nodes: Node[]): string {
  const described = (items: { name: string; description: string }[]) => items.map((i) => `${i.name.replace(/:/g, '\\:')}:${oneLine(i.description)}`);
  const flagItems = (n: Node) => described(n.flags.flatMap((f) => f.names.map((name) => ({ name, description: f.description }))));
  return `# mem completion for zsh (generated from mem's command declarations by \`mem completion zsh\`).
${walker(nodes)}
__mem_described_subs() { case "$1" in
${caseArms(nodes, (n) => described(n.commands))}
    *) __mem_r=() ;;
  esac; }
__mem_described_flags() { case "$1" in
${caseArms(nodes, flagItems)}
    *) __mem_r=() ;;
  esac; }
_mem() {
  local -a __mem_r
  local __mem_path prev="\${words[CURRENT-1]}" cur="\${words[CURRENT]}"
  __mem_walk "\${(@)words[2,CURRENT-2]}"
  if [[ "$prev" == -* ]] && (( CURRENT > 2 )); then
    __mem_values "$__mem_path|$prev"
    if (( \${#__mem_r} )); then
      if [[ "\${__mem_r[1]}" == __file__ ]]; then _files; else compadd -a __mem_r; fi
      return
    fi
  fi
  __mem_walk "\${(@)words[2,CURRENT-1]}"
  if [[ "$cur" == -* ]]; then
    __mem_described_flags "$__mem_path"
    _describe -t options 'option' __mem_r
    return
  fi
  __mem_described_subs "$__mem_path"
  local -a subs=("\${__mem_r[@]}")
  __mem_args "$__mem_path"
  local -a args=("\${__mem_r[@]}")
  (( \${#subs} )) && _describe -t commands 'command' subs
  (( \${#args} )) && compadd -a args
  (( \${#subs} + \${#args} )) || _files
}
# After compinit (an rc file may call it later than this is loaded: then at the first prompt).
${ZSH_COMPDEF}`;
}

function fishScript(nodes: Node[]): string {
  const fq = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const lines = [
    "# mem completion for fish (generated from mem's command declarations by `mem completion fish`).",
    'complete -c mem -f',
    '# The command path of the words before the cursor (option values skipped).',
    'function __mem_path',
    '    set -l words (commandline -opc)[2..-1]',
    '    set -l path',
    '    set -l skip 0',
    '    for w in $words',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    "        if string match -q -- '-*' $w",
    "            contains -- $w (__mem_valued (string join ' ' $path)); and set skip 1",
    '            continue',
    '        end',
    "        contains -- $w (__mem_subs (string join ' ' $path)); and set -a path $w",
    '    end',
    "    string join ' ' $path",
    'end',
    '# Whether the words before the cursor select this command path (worked out once per command line).',
    'function __mem_at',
    '    set -l key (string join \\n -- (commandline -opc))',
    '    if test "$key" != "$__mem_key"',
    '        set -g __mem_key $key',
    '        set -g __mem_at_path "$(__mem_path)"',
    '    end',
    '    test "$__mem_at_path" = "$argv[1]"',
    'end',
    'function __mem_subs',
    '    switch "$argv[1]"',
    ...nodes.filter((n) => n.commands.length).flatMap((n) => [`        case ${fq(n.path)}`, `            printf '%s\\n' ${n.commands.map((c) => fq(c.name)).join(' ')}`]),
    '    end',
    'end',
    'function __mem_valued',
    '    switch "$argv[1]"',
    ...nodes.filter((n) => n.valued.length).flatMap((n) => [`        case ${fq(n.path)}`, `            printf '%s\\n' ${n.valued.map(fq).join(' ')}`]),
    '    end',
    'end',
  ];
  for (const n of nodes) {
    const cond = `-n ${fq(`__mem_at ${fq(n.path)}`)}`;
    for (const c of n.commands) lines.push(`complete -c mem ${cond} -a ${fq(c.name)} -d ${fq(oneLine(c.description))}`);
    if (n.args) lines.push(`complete -c mem ${cond} -a ${fq(n.args.join(' '))}`);
    for (const f of n.flags) {
      const names = f.names.map((name) => (name.startsWith('--') ? `-l ${fq(name.slice(2))}` : `-s ${fq(name.slice(1))}`)).join(' ');
      const value = f.value === false ? '' : f.value === null ? ' -r -F' : ` -x -a ${fq(f.value.join(' '))}`;
      lines.push(`complete -c mem ${cond} ${names}${value} -d ${fq(oneLine(f.description))}`);
    }
  }
  return lines.join('\n') + '\n';
}
