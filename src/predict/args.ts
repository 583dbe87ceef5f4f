// Argument carry-over: many next commands reuse an argument of the previous one (`mkdir x` →
// `cd x`, `vim t.pl` → `perl t.pl`, `git tag v1.2` → `git push v1.2`). Abstracting a transition
// into "the next line, with words taken from the previous line written as $k" turns these into
// patterns that repeat even though the concrete lines never do, so the predictor can propose a
// line it has never seen:
//
//   previous                next                     pattern
//   mkdir golang            cd golang                cd $1
//   vim second.pl           perl second.pl           perl $1
//   git tag v1.0.0          git ps v1.0.0            git ps $2
//   vim make.sh             chmod +x make.sh         chmod +x $1
//   sudo apt install foo    sudo apt purge foo       sudo apt purge $2
//   nano x.conf             sudo nano x.conf         sudo nano $1
//   ls                      cd src                   (none: nothing carried over)
//
// `$k` is the k-th word after the command name of the previous line's first simple command (the
// command the `args1` context is keyed by): wrappers (`sudo -u me`, `env A=1`, `time`),
// assignments and the name itself are never arguments, so `sudo nano x` carries `x` as $1 like
// `nano x` does, and `nano x` → `sudo nano x` can never become `sudo nano nano`. Words after
// `&&`, `;`, `|` or a newline belong to another command and are not carried. In the next line a
// carried word must be an argument too, and the line keeps its own layout (newlines, spacing).
import { simpleCommands, type SimpleCommand, type Word } from './normalize.js';

const SLOT_RE = /^\$(\d+)$/;

/** Flags and redirections are the command's shape, not data it carries. */
function carriable(word: string): boolean {
  return !word.startsWith('-') && !/^\d*[<>&]/.test(word) && !SLOT_RE.test(word);
}

/** The words the previous line can pass on: its first command's arguments, numbered from 1. */
function source(prev: string): SimpleCommand | undefined {
  const first = simpleCommands(prev)[0];
  return first?.name ? first : undefined;
}

/** The pattern of `next` after `prev`, or null when it reuses none of `prev`'s arguments. */
export function abstractArgs(prev: string, next: string): string | null {
  const src = source(prev);
  if (!src) return null;
  const at = new Map<string, number>();
  src.args.forEach((w, i) => {
    if (carriable(w.text) && !at.has(w.text)) at.set(w.text, i + 1);
  });
  if (at.size === 0) return null;
  const cmds = simpleCommands(next);
  // A literal `$1` in the next line would read as a slot when the pattern is filled.
  if (cmds.some((c) => [...c.prefix, ...c.args, ...(c.name ? [c.name] : [])].some((w) => SLOT_RE.test(w.text)))) return null;
  const slots: { word: Word; k: number }[] = [];
  for (const c of cmds) {
    for (const w of c.args) {
      const k = at.get(w.text);
      if (k !== undefined) slots.push({ word: w, k });
    }
  }
  if (!slots.length) return null;
  let out = '';
  let pos = 0;
  for (const { word, k } of slots) {
    out += `${next.slice(pos, word.start)}$${k}`;
    pos = word.end;
  }
  return out + next.slice(pos);
}

/** The concrete line of `pattern` after `prev`, or null when `prev` lacks a referenced word. */
export function fillArgs(pattern: string, prev: string): string | null {
  const args = source(prev)?.args ?? [];
  let out = '';
  let pos = 0;
  for (const c of simpleCommands(pattern)) {
    // Slots are arguments; one in a name's place (from patterns learned before this rule) is void.
    if ([...c.prefix, ...(c.name ? [c.name] : [])].some((w) => SLOT_RE.test(w.text))) return null;
    for (const w of c.args) {
      const m = SLOT_RE.exec(w.text);
      if (!m) continue;
      const v = args[Number(m[1]) - 1]?.text;
      if (v === undefined || !carriable(v)) return null;
      out += pattern.slice(pos, w.start) + v;
      pos = w.end;
    }
  }
  return out + pattern.slice(pos);
}
