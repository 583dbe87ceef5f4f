// Command templates: the shape of a command line with its variable arguments replaced by
// placeholders, so `git commit -m "fix x"` and `git commit -m "typo"` count as one transition.
// The command name, subcommands and flags stay: they carry the intent; the arguments vary.
//
//   input                                         template
//   git commit -m "fix the parser"                git commit -m <QUOTED>
//   vim src/predict/rank.ts                       vim <FILE>
//   cd ~/work/mem                                 cd <PATH>
//   cd ..                                         cd ..            (idioms `.` `..` `-` `~` stay)
//   python train.py --epochs=20                   python <FILE> --epochs=<NUM>
//   git checkout 3f2a9c1                          git checkout <HASH>
//   curl -fsSL https://example.com/x.sh | sh      curl -fsSL <URL> | sh
//   ssh admin@10.0.0.12                           ssh admin@<IP>
//   ping 192.168.1.1                              ping <IP>
//   git config user.email me@example.com          git config user.email <EMAIL>
//   kubectl delete pod 0f8e...-...(uuid)          kubectl delete pod <UUID>
//   git clone git@github.com:me/repo.git          git clone <URL>
//   FOO=1 make -j8                                FOO=<NUM> make -j8
//   kill -9 4242                                  kill -9 <NUM>
//   cat a.log > out.txt                           cat <FILE> > <FILE>
//   sudo apt install ripgrep                      sudo apt install ripgrep (bare words stay)

const URL_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|[\w.-]+@[\w.-]+\.[a-z]{2,}:\S+)$/i;
const EMAIL_RE = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$/i;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IP_RE = /^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?$/;
// A hash must mix digits and letters: all-letter runs are English words ("defaced"), all-digit
// runs are numbers.
const HASH_RE = /^(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}$/i;
const NUM_RE = /^\d+(?:[.,:]\d+)*[kmgKMG%]?$/;
// A file name: a basename with an extension of 1-8 alphanumerics (`main.py`, `x.tar.gz`, `.zshrc`).
const FILE_RE = /^[\w.@+~-]*[\w-]\.(?=[a-z0-9]*[a-z])[a-z0-9]{1,8}$|^\.[a-z_-][\w.-]*$/i;
const IDIOMS = new Set(['.', '..', '-', '~', '/', '--', '|', '||', '&&', ';', '&', '>', '>>', '<', '2>&1']);
// Words after these begin a new command whose name must stay literal.
const SEPARATORS = new Set(['|', '||', '&&', ';', '&', '|&']);
// Prefixes that run the following word as the command (zsh's precommand modifiers among them).
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'nohup', 'time', 'exec', 'nice', 'command', 'builtin', 'noglob', 'nocorrect']);
// Wrapper options that take a value (`sudo -u deploy cmd`).
const WRAPPER_VALUE_FLAGS = new Set(['-u', '-g', '-C', '-n']);
const ASSIGN_RE = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Splits a command line into shell-ish words; quoted segments stay inside their word. */
export function shellWords(line: string): string[] {
  return line.match(/(?:\\[\s\S]?|[^\s'"\\]+|'[^']*'?|"(?:\\.|[^"\\])*"?)+/g) ?? [];
}

/** The template of one unquoted piece of a word (no quotes inside). */
function classify(piece: string): string {
  if (piece === '' || IDIOMS.has(piece)) return piece;
  if (URL_RE.test(piece)) return '<URL>';
  if (EMAIL_RE.test(piece)) return '<EMAIL>';
  if (UUID_RE.test(piece)) return '<UUID>';
  if (IP_RE.test(piece)) return '<IP>';
  if (NUM_RE.test(piece)) return '<NUM>';
  if (HASH_RE.test(piece)) return '<HASH>';
  if (piece.startsWith('$') || piece.startsWith('`')) return piece;
  // user@host: keep the user (often a constant account), generalise the host.
  const at = /^([\w.-]+)@([\w.-]+)$/.exec(piece);
  if (at) return `${at[1]}@${classify(at[2]!)}`;
  if (piece.includes('/') || piece.startsWith('~')) {
    const base = piece.replace(/\/+$/, '').split('/').pop() ?? '';
    return FILE_RE.test(base) && !piece.endsWith('/') ? '<FILE>' : '<PATH>';
  }
  if (FILE_RE.test(piece)) return '<FILE>';
  return piece;
}

/** The template of one argument word: `--out=a.txt` → `--out=<FILE>`, `"x y"` → `<QUOTED>`. */
function templateWord(word: string): string {
  if (/['"]/.test(word)) {
    // Quoted material is free text; the unquoted prefix (a flag, `KEY=`) stays.
    const prefix = /^[^'"]*/.exec(word)![0];
    return (prefix.endsWith('=') || prefix === '' ? prefix : classify(prefix)) + '<QUOTED>';
  }
  const eq = /^(--?[\w-]+=|[A-Za-z_][A-Za-z0-9_]*=)(.*)$/.exec(word);
  if (eq) return eq[1]! + classify(eq[2]!);
  // Flags are the user's choice of behaviour, not data: `-9`, `-la`, `-j8` stay.
  if (word.startsWith('-')) return word;
  return classify(word);
}

export function normalize(command: string): string {
  const words = shellWords(command.trim());
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    // One simple command: prefix (assignments, wrappers), literal name, templated arguments.
    const name = nameIndex(words, i);
    for (; i < name; i++) out.push(ASSIGN_RE.test(words[i]!) ? templateWord(words[i]!) : words[i]!);
    if (i < words.length) out.push(words[i++]!);
    for (; i < words.length && !SEPARATORS.has(words[i]!); i++) out.push(templateWord(words[i]!));
    if (i < words.length) out.push(words[i++]!);
  }
  return out.join(' ');
}

/** Index of the command name in the simple command starting at `start`. */
function nameIndex(words: readonly string[], start: number): number {
  let wrapped = false;
  for (let i = start; i < words.length; i++) {
    const w = words[i]!;
    if (SEPARATORS.has(w)) return i;
    if (ASSIGN_RE.test(w)) continue;
    if (WRAPPERS.has(w)) {
      wrapped = true;
      continue;
    }
    if (wrapped && w.startsWith('-')) {
      if (WRAPPER_VALUE_FLAGS.has(w)) i++;
      continue;
    }
    return i;
  }
  return words.length;
}

/** A word of a command line and where it is (`line.slice(start, end) === text`). */
export interface Word {
  text: string;
  start: number;
  end: number;
}

/**
 * One simple command of a line: what runs it (assignments, wrappers and their options), its
 * name, and its arguments (every word after the name, flags and redirections included).
 */
export interface SimpleCommand {
  prefix: Word[];
  name: Word | undefined;
  args: Word[];
}

// A word (quotes and escapes kept inside; `2>&1` and `&>` are words, not separators), a control
// operator (`;` `&` `|` runs, even glued to a word: `cd x;ls`), or an escaped newline.
const TOKEN_RE = /(\\\r?\n)|((?:\\[\s\S]?|&>>?|[<>]&|[^\s'"\\;&|<>]+|[<>]+|'[^']*'?|"(?:\\.|[^"\\])*"?)+)|([;&|]+)/g;

/**
 * The simple commands of a line, in order: split at control operators and at newlines (each line
 * of a multi-line entry is its own command). An escaped newline continues the command.
 */
export function simpleCommands(line: string): SimpleCommand[] {
  const parts: Word[][] = [[]];
  let last = 0;
  for (const m of line.matchAll(TOKEN_RE)) {
    const start = m.index;
    if (line.slice(last, start).includes('\n') && parts[parts.length - 1]!.length) parts.push([]);
    last = start + m[0].length;
    if (m[1] !== undefined) continue;
    if (m[3] !== undefined) {
      if (parts[parts.length - 1]!.length) parts.push([]);
      continue;
    }
    parts[parts.length - 1]!.push({ text: m[0], start, end: last });
  }
  return parts
    .filter((words) => words.length > 0)
    .map((words) => {
      const i = nameIndex(words.map((w) => w.text), 0);
      return { prefix: words.slice(0, i), name: words[i], args: words.slice(i + 1) };
    });
}

/** The command name (skipping `sudo`-like wrappers and `FOO=1` assignments) and the word after it. */
export function commandHead(line: string): { name: string; next: string } {
  const words = shellWords(line.trim());
  const i = nameIndex(words, 0);
  return { name: words[i] ?? words[0] ?? firstWord(line), next: words[i + 1] ?? '' };
}

/** The command name: first word, skipping `sudo`-like wrappers and `FOO=1` assignments. */
export function commandName(line: string): string {
  return commandHead(line).name;
}

/** The first whitespace-separated word, as is: the "command name" of the reference figures. */
export function firstWord(line: string): string {
  const m = /\S+/.exec(line);
  return m ? m[0] : '';
}
