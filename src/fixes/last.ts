// `mem fix last`: for the last command of this session that failed, what the user ran next that
// worked, the other times the same command (or one of its template) failed: learned from their own
// history (agents' commands are kept apart), plus the fix attempts and error memories that mention
// it. No output is captured by the hooks, so the command line is the only key. The failures learned
// from are those before the one asked about, so replaying a history measures it honestly.
import type { World } from '../core/world.js';
import { InputError, intIn } from '../errors.js';
import type { MemoriesApi } from '../memory/api.js';
import { normalize } from '../predict/normalize.js';
import { ingestPending } from '../shell/pending.js';
import { ShellStore, type FailedCommand } from '../shell/store/commands.js';
import { commandWords } from '../shell/words.js';
import type { RelatedFix } from './api.js';

export interface FixLastQuery {
  /** The shell session whose last failure to take (default: $MEM_SESSION, else the latest). */
  session?: string;
  /** This failed command (a history id) instead. */
  id?: number;
  /** At most this many suggestions (default 3). */
  limit?: number;
  /** Look up fix attempts and error memories too (default true). */
  recall?: boolean;
}

export interface NextStep {
  /** The line to run: what ran after the earlier failure, its failed line replaced by this one. */
  command: string;
  /** Times it ran next, and exited 0, after the same command (or one of its template) failed. */
  count: number;
  /** Of how many earlier failures learned from. */
  of: number;
  /** It followed this very line (not only commands like it). */
  exact: boolean;
  reason: string;
}

export interface FixLast {
  failed: { id: number; command: string; exit_code: number; timestamp: string; cwd: string | null; session: string | null } | null;
  next: NextStep[];
  fix_attempts: RelatedFix[];
  memories: { id: string; kind: string; title: string; snippet: string; score: number }[];
  /** Why there is nothing to say. */
  empty: string | null;
}

/** How far back to learn from, and how long after a failure the next command still counts. */
const FAILURES = 500;
const WINDOW_MS = 15 * 60_000;
/** A failure of a line like this one (same template) counts half as much as one of this line. */
const TEMPLATE_WEIGHT = 0.5;
const MIN_MEMORY_SCORE = 0.5;

const quote = (s: string) => '`' + (s.length > 60 ? s.slice(0, 57) + '...' : s).replace(/\s+/g, ' ') + '`';
const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

export async function fixLast(world: World, deps: { memories: () => MemoriesApi; related: (text: string, limit: number) => RelatedFix[] }, q: FixLastQuery = {}): Promise<FixLast> {
  const limit = q.limit === undefined ? 3 : intIn(q.limit, 'limit', 1, 50);
  if (q.id !== undefined) intIn(q.id, 'id', 1, Number.MAX_SAFE_INTEGER);
  if (q.session !== undefined && (typeof q.session !== 'string' || !q.session)) throw new InputError('must be a session id', undefined, 'session');
  const none = (empty: string): FixLast => ({ failed: null, next: [], fix_attempts: [], memories: [], empty });
  ingestPending(world, 0); // what the hooks spooled since the last ingest: the failure just now
  const shell = new ShellStore(world.readDb()); // a named store that does not exist is an error
  if (!shell.any({})) return none('no commands recorded yet (mem init --install zsh to start)');
  const session = q.id === undefined ? (q.session ?? world.env.MEM_SESSION) : undefined;
  const failed = shell.lastFailure({ id: q.id, session });
  if (!failed) return none(q.id !== undefined ? `command ${q.id} did not fail (or is not recorded)` : `no failed command in ${session ? `session '${session}'` : 'the latest session'}`);

  const next = nextSteps(shell, failed, limit);
  let fixAttempts: RelatedFix[] = [];
  let memories: FixLast['memories'] = [];
  if (q.recall !== false) {
    fixAttempts = deps.related(failed.command, 3).filter((p) => p.best_fix?.length && p.success_rate);
    try {
      const r = await deps.memories().recallError(failed.command, { allScopes: true, topK: 3, minScore: MIN_MEMORY_SCORE, mode: 'keyword' });
      memories = r.results.map((h) => ({ id: h.id, kind: h.kind, title: h.title, snippet: h.snippet, score: h.score }));
    } catch {
      // an unreadable memory store says nothing
    }
  }
  const empty = next.length || fixAttempts.length || memories.length ? null : `nothing learned yet about ${quote(failed.command)} failing: no earlier failure of it (or of commands like it) was followed by a command that worked`;
  return {
    failed: { id: failed.id, command: failed.command, exit_code: failed.exit_code, timestamp: new Date(failed.ts).toISOString(), cwd: failed.cwd, session: failed.session },
    next,
    fix_attempts: fixAttempts,
    memories,
    empty,
  };
}

/**
 * Whether an earlier failed line is like this one, and if so how to carry what followed it over:
 * the same template (`git commit -m "a"`, `git commit -m "b"`), or the same words but one argument
 * (`apt install htop`, `apt install vim`): what followed gets this line's word in place of that one.
 */
export function alike(earlier: string, now: string): ((line: string) => string | null) | null {
  if (earlier === now) return (l) => l;
  const a = earlier.trim().split(/\s+/);
  const b = now.trim().split(/\s+/);
  if (a.length === b.length && a[0] === b[0]) {
    const diff = a.flatMap((w, i) => (w === b[i] ? [] : [i]));
    if (diff.length === 1 && diff[0]! > 0) {
      const [from, to] = [a[diff[0]!]!, b[diff[0]!]!];
      const name = commandWords(earlier).name;
      return (l) => {
        const words = l.split(/(\s+)/);
        // `cd project` after `cd projcet` corrected that very word: nothing to carry to `cd scirpts`.
        if (!words.includes(from)) return commandWords(l).name === name ? null : l;
        return words.map((w) => (w === from ? to : w)).join('');
      };
    }
  }
  if (normalize(earlier) === normalize(now)) return (l) => l.split(earlier).join(now);
  return null;
}

/** What ran next and worked after earlier failures of this line (weight 1) or of lines like it. */
function nextSteps(shell: ShellStore, failed: FailedCommand, limit: number): NextStep[] {
  const name = commandWords(failed.command).name;
  if (!name) return [];
  const earlier = shell.failuresNamed(name, failed, FAILURES);
  const tally = new Map<string, { weight: number; count: number; exact: boolean; last: number }>();
  let learnedFrom = 0;
  for (const f of earlier) {
    const exact = f.command === failed.command;
    const carry = alike(f.command, failed.command);
    if (!carry) continue;
    learnedFrom++;
    const n = shell.nextInSession({ session: f.session!, ts: f.ts, id: f.id }, WINDOW_MS);
    if (!n || n.exit_code !== 0) continue;
    // `sudo apt install htop` after `apt install htop` failed is `sudo apt install vim` now.
    const line = carry(n.command);
    if (line === null) continue;
    const t = tally.get(line) ?? { weight: 0, count: 0, exact: false, last: 0 };
    t.weight += exact ? 1 : TEMPLATE_WEIGHT;
    t.count++;
    t.exact ||= exact;
    t.last = Math.max(t.last, n.ts);
    tally.set(line, t);
  }
  return [...tally.entries()]
    .sort((a, b) => b[1].weight - a[1].weight || b[1].last - a[1].last)
    .slice(0, limit)
    .map(([command, t]) => ({
      command,
      count: t.count,
      of: learnedFrom,
      exact: t.exact,
      reason: `ran next and worked ${times(t.count)} after ${t.exact ? quote(failed.command) : `commands like ${quote(failed.command)}`} failed (of ${learnedFrom} earlier failure${learnedFrom === 1 ? '' : 's'})`,
    }));
}
