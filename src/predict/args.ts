// Argument carry-over: many next commands reuse an argument of the previous one (`mkdir x` →
// `cd x`, `vim t.pl` → `perl t.pl`, `git tag v1.2` → `git push v1.2`). Abstracting a transition
// into "the next line, with words taken from the previous line written as $k" turns these into
// patterns that repeat even though the concrete lines never do, so the predictor can propose a
// line it has never seen:
//
//   previous            next                   pattern
//   mkdir golang        cd golang              cd $1
//   vim second.pl       perl second.pl         perl $1
//   git tag v1.0.0      git ps v1.0.0          git ps $2
//   vim make.sh         chmod +x make.sh       chmod +x $1
//   ls                  cd src                 (none: nothing carried over)
import { shellWords } from './normalize.js';

/** The pattern of `next` after `prev`, or null when it reuses none of `prev`'s arguments. */
export function abstractArgs(prev: string, next: string): string | null {
  const pw = shellWords(prev);
  const at = new Map<string, number>();
  // Arguments only: the name (word 0) and flags are the command's shape, not data it carries.
  for (let j = 1; j < pw.length; j++) if (!pw[j]!.startsWith('-') && !at.has(pw[j]!)) at.set(pw[j]!, j);
  if (at.size === 0) return null;
  const nw = shellWords(next);
  let shared = false;
  const out = nw.map((w, j) => {
    const k = j > 0 ? at.get(w) : undefined;
    if (k === undefined) return w;
    shared = true;
    return `$${k}`;
  });
  return shared ? out.join(' ') : null;
}

/** The concrete line of `pattern` after `prev`, or null when `prev` lacks a referenced word. */
export function fillArgs(pattern: string, prev: string): string | null {
  const pw = shellWords(prev);
  let ok = true;
  const line = shellWords(pattern)
    .map((w) => {
      const m = /^\$(\d+)$/.exec(w);
      if (!m) return w;
      const v = pw[Number(m[1])];
      if (v === undefined || v.startsWith('-')) ok = false;
      return v ?? '';
    })
    .join(' ');
  return ok ? line : null;
}
