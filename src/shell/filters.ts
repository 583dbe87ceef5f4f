// What is never recorded: private (leading-space) commands, the user's filter regexes on commands
// and directories, and mem's own internal commands. Applied by the ingester, imports, `mem learn`
// and `mem prune`.
//
// A user's regex must never stop capture. Patterns that could backtrack exponentially (the static
// check of util/safe-regex.ts, also applied by `mem config set`) or do not compile are skipped and
// reported. Whatever slips past the check (polynomial blow-ups like `\s*\s*\s*y`, which take
// seconds on a few hundred characters) is cut by a time budget: user patterns run in a vm context
// with a timeout, many lines per call (a call costs ~0.3 ms, a line ~1 µs), so a runaway match
// is stopped and judged alone. A line whose match ran out of time is not recorded: the pattern
// was written to keep such lines out, and when unsure mem keeps nothing (as redaction masks).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { regexProblem, type Config } from '../config/config.js';
import { InputError } from '../errors.js';

export interface FilterItem {
  command: string;
  cwd: string | null;
}

export interface FilterProblem {
  key: FilterKey;
  pattern: string;
  /** unsafe (could hang, or does not compile): skipped; timeout: ran out of time on some line (that line was dropped). */
  kind: 'unsafe' | 'timeout';
  why: string;
  /** timeout: how many lines ran out of time. */
  lines?: number;
}

export interface HistoryFilter {
  /** Why a command is not kept, or null when it is. */
  reject(command: string, cwd: string | null): string | null;
  /** The verdicts of many lines at once (null items are skipped): the way to judge in bulk. */
  rejectAll(items: readonly (FilterItem | null)[]): (string | null)[];
  /** Patterns skipped, and patterns that ran out of time, so far. */
  readonly problems: readonly FilterProblem[];
}

export const FILTER_KEYS = ['history.ignore_commands', 'history.ignore_dirs'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const INTERNAL = /^\s*(?:\\?__mem_\w*|(?:\S*\/)?mem\s+__\w+)/;

/** A call stops taking new lines after this long, so a timeout always points at one line... */
const SLICE_MS = 20;
/** ...which had at least this long to itself. */
const LINE_BUDGET_MS = 100;

export const TIMED_OUT = ' (timed out)';
/** A person's regex (history --regex, history rm --match) is given up on after this many runaway lines. */
const SEARCH_RUNAWAYS = 5;

// Defined in the vm context, run over items[pos..end). Progress is kept in `st`, so after a
// timeout the caller knows which line and which pattern were running (everything else is local:
// the context's own globals are slow to reach). Verdicts: 0 kept, 1 a command pattern matched, 2 a
// directory pattern matched.
const DEFINE = new vm.Script(`
globalThis.match = function (st) {
  var items = st.items, out = st.out, commands = st.commands, dirs = st.dirs, end = st.end, first = st.pos;
  var t0 = Date.now(), slice = st.slice;
  for (var pos = first; pos < end; pos++) {
    if (pos > first && Date.now() - t0 > slice) break;
    st.pos = pos;
    var it = items[pos], v = 0;
    if (it !== null) {
      st.phase = 0;
      for (var pat = 0; pat < commands.length; pat++) {
        st.pat = pat;
        if (commands[pat].test(it.command)) { v = 1; break; }
      }
      if (v === 0 && it.cwd !== null) {
        st.phase = 1;
        for (pat = 0; pat < dirs.length; pat++) {
          st.pat = pat;
          if (dirs[pat].test(it.cwd)) { v = 2; break; }
        }
      }
    }
    out[pos] = v;
  }
  st.pos = pos;
};
`);
const CALL = new vm.Script('match(st)');

export function historyFilter(config: Config): HistoryFilter {
  const ignoreSpace = config.get<boolean>('history.ignore_space');
  const problems: FilterProblem[] = [];
  const compile = (key: FilterKey) => {
    const kept: Pattern[] = [];
    for (const source of config.get<string[]>(key)) {
      const why = regexProblem(source);
      if (why) problems.push({ key, pattern: source, kind: 'unsafe', why });
      else kept.push({ re: new RegExp(source), source });
    }
    return kept;
  };
  const commands = compile('history.ignore_commands');
  const dirs = compile('history.ignore_dirs');
  const builtin = (it: FilterItem): string | null => {
    if (it.command.trim() === '') return 'empty';
    if (ignoreSpace && /^[ \t]/.test(it.command)) return 'leading space';
    if (INTERNAL.test(it.command)) return 'mem internal';
    return null;
  };
  const user = commands.length || dirs.length ? userMatcher(commands, dirs, problems) : null;

  const rejectAll = (items: readonly (FilterItem | null)[]): (string | null)[] => {
    const verdicts = items.map((it) => (it ? builtin(it) : null));
    if (!user) return verdicts;
    const matched = user(items.map((it, i) => (it && verdicts[i] === null ? it : null)));
    return verdicts.map((v, i) => v ?? matched[i]!);
  };
  return {
    reject: (command, cwd) => rejectAll([{ command, cwd }])[0]!,
    rejectAll,
    problems,
  };
}

interface Pattern {
  re: RegExp;
  source: string;
}

const VERDICT = [null, 'history.ignore_commands', 'history.ignore_dirs'] as const;

/** Matches lines against the user's patterns in a vm context, each line within its time budget. */
function userMatcher(commands: Pattern[], dirs: Pattern[], problems: FilterProblem[], onRunaway?: (lines: number) => void) {
  const st = { items: [] as (FilterItem | null)[], out: [] as (number | undefined)[], commands: commands.map((c) => c.re), dirs: dirs.map((d) => d.re), slice: SLICE_MS, pos: 0, end: 0, phase: 0, pat: 0 };
  const ctx = vm.createContext({ st });
  DEFINE.runInContext(ctx);
  const timedOut = new Map<string, FilterProblem>();
  let runaways = 0;
  /** Runs items[from..end); returns where it stopped, or the line it was stopped on. */
  const run = (from: number, end: number): { next: number } | { stuck: number } => {
    Object.assign(st, { pos: from, end, phase: 0, pat: 0 });
    try {
      CALL.runInContext(ctx, { timeout: SLICE_MS + LINE_BUDGET_MS });
      return { next: st.pos };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
      return { stuck: st.pos };
    }
  };
  return (items: (FilterItem | null)[]): (string | null)[] => {
    const raw: (number | undefined)[] = new Array<number | undefined>(items.length);
    const ranAway = new Map<number, string>();
    st.items = items;
    st.out = raw;
    try {
      for (let pos = 0; pos < items.length; ) {
        const r = run(pos, items.length);
        if ('next' in r) {
          pos = r.next;
          continue;
        }
        const i = r.stuck;
        // Stopped on line i, or just after it: a busy machine can stall any call, so the line gets a
        // second run of its own before it is judged to have run away.
        if (raw[i] === undefined && 'stuck' in run(i, i + 1) && raw[i] === undefined) {
          const dir = st.phase === 1;
          const key: FilterKey = dir ? 'history.ignore_dirs' : 'history.ignore_commands';
          ranAway.set(i, key + TIMED_OUT);
          noteTimeout(key, (dir ? dirs : commands)[st.pat]!.source, (dir ? items[i]!.cwd! : items[i]!.command).length);
          onRunaway?.(++runaways);
        }
        pos = i + 1;
      }
    } finally {
      st.items = [];
      st.out = [];
    }
    return Array.from(raw, (v, i) => ranAway.get(i) ?? VERDICT[v ?? 0]!);
  };

  function noteTimeout(key: FilterKey, source: string, length: number): void {
    const why = `ran out of its ${LINE_BUDGET_MS} ms on a line of ${length} characters`;
    const known = timedOut.get(key + '\0' + source);
    if (known) Object.assign(known, { lines: known.lines! + 1, why });
    else {
      const p: FilterProblem = { key, pattern: source, kind: 'timeout', why, lines: 1 };
      timedOut.set(key + '\0' + source, p);
      problems.push(p);
    }
  }
}

// Timeouts are remembered for `mem doctor` (the ingester runs detached: nobody sees its output).
const NOTES = 'filter-timeouts.json';

export interface TimeoutNote {
  key: FilterKey;
  pattern: string;
  /** Lines that ran out of time (and were not recorded). */
  count: number;
  last_at: number;
  why: string;
}

export function readTimeoutNotes(dir: string): TimeoutNote[] {
  try {
    const notes = JSON.parse(readFileSync(join(dir, NOTES), 'utf8')) as unknown;
    return Array.isArray(notes) ? (notes as TimeoutNote[]) : [];
  } catch {
    return [];
  }
}

/** Adds the filter's timeouts to the notes in `dir` (best effort: advice for the doctor). */
export function noteTimeouts(dir: string, filter: HistoryFilter, now: number): void {
  const fresh = filter.problems.filter((p) => p.kind === 'timeout');
  if (!fresh.length) return;
  try {
    const notes = readTimeoutNotes(dir);
    for (const p of fresh) {
      const known = notes.find((n) => n.key === p.key && n.pattern === p.pattern);
      if (known) Object.assign(known, { count: known.count + p.lines!, last_at: now, why: p.why });
      else notes.push({ key: p.key, pattern: p.pattern, count: p.lines!, last_at: now, why: p.why });
    }
    const tmp = join(dir, `.${NOTES}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(notes.slice(-20)) + '\n', { mode: 0o600 });
    renameSync(tmp, join(dir, NOTES));
  } catch {
    // never fail ingestion over advice
  }
}

/** A line's verdict under a searched regex: matched, did not, or ran out of its time budget. */
export type RegexVerdict = 'match' | 'no' | 'timeout';

/**
 * A regex a person searches or deletes with (`mem history --regex`, `mem history rm --match`),
 * run with the same guards as the filter patterns: the static check first (InputError naming
 * `field`), then each line within its time budget. Case-sensitive, like grep.
 */
export function regexSearcher(source: string, field: string): (lines: readonly string[]) => RegexVerdict[] {
  const why = regexProblem(source);
  if (why) throw new InputError(why, undefined, field);
  // Each runaway line costs its budget twice over: a pattern that runs away on line after line
  // (`.*.*.*.*.*x` passes the static check) would take hours over a real history. A person's
  // search gives up after a few, before anything is deleted.
  const giveUp = (lines: number) => {
    if (lines >= SEARCH_RUNAWAYS) throw new InputError(`ran out of its ${LINE_BUDGET_MS} ms on ${lines} lines, so it would take too long over the whole history (it backtracks too much); simplify it (nothing was changed)`, undefined, field);
  };
  const match = userMatcher([{ re: new RegExp(source), source }], [], [], giveUp);
  return (lines) => match(lines.map((command) => ({ command, cwd: null }))).map((v) => (v === null ? 'no' : v.endsWith(TIMED_OUT) ? 'timeout' : 'match'));
}
