// Recall on failure: when an agent's shell command fails, what fixed this before, in a few lines
// for the agent's context, or nothing when nothing is relevant. Keyword search only (no model is
// loaded) and no LLM call: it runs inside the agent's hook, within a few hundred milliseconds.
// Three sources: what was run after the same command failed (in any session: the user's or an
// agent's), error/solution memories matching the error, and fix-attempt patterns naming it.
import type { World } from '../core/world.js';
import type { FixesApi } from '../fixes/api.js';
import type { MemoriesApi } from '../memory/api.js';
import { ShellStore } from '../shell/store/commands.js';
import { isObj } from '../util/json.js';

export interface RecallAnswer {
  /** The lines for the agent, or null when nothing relevant was found. */
  context: string | null;
  /** The hook's answer on stdout (Claude Code's hookSpecificOutput), or null for no output. */
  output: string | null;
}

/** Memories scoring below this are not worth an agent's attention (scores are absolute). */
const MIN_SCORE = 0.5;
const MAX_LINES = 6;
const LINE_CHARS = 240;

const clip = (s: string, n = LINE_CHARS) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

/** The failed command and its error, from a PostToolUseFailure (or PostToolUse) payload. */
export function failureOf(payload: string): { event: string; command: string; error: string } | null {
  let p: unknown;
  try {
    p = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!isObj(p) || !isObj(p.tool_input) || typeof p.tool_input.command !== 'string') return null;
  const r = p.tool_response;
  const error = typeof p.error === 'string' ? p.error : isObj(r) ? [r.stderr, r.stdout, r.output].filter((x) => typeof x === 'string').join('\n') : typeof r === 'string' ? r : '';
  return { event: typeof p.hook_event_name === 'string' ? p.hook_event_name : 'PostToolUseFailure', command: p.tool_input.command, error };
}

const TELLING = /error|fail|cannot|can't|not found|no such|denied|missing|refused|exception|fatal|invalid|unable|timed? ?out/i;

/**
 * The error's telling lines, each a query of its own (keyword search wants every term a memory
 * knows, so one line of noise would sink the whole text): lines that say what went wrong first.
 */
function errorLines(error: string): string[] {
  const lines = error
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length >= 6 && !/^exit(?:ed)? (?:with )?(?:status|code)\s*:?\s*\d+$/i.test(l));
  const telling = lines.filter((l) => TELLING.test(l));
  return [...new Set([...telling, ...lines.filter((l) => !TELLING.test(l)).slice(-1)])].slice(0, 4).map((l) => l.slice(0, 300));
}

export async function recallFailure(world: World, api: { memories: MemoriesApi; fixes: FixesApi }, payload: string): Promise<RecallAnswer> {
  const none = { context: null, output: null };
  const f = failureOf(payload);
  if (!f || !world.storeExists()) return none;
  const lines: string[] = [];

  // 1. What followed the same failure before, and whether the command then worked.
  const shell = new ShellStore(world.readDb());
  const after = shell.afterFailures(f.command, { failures: 20, next: 4, windowMs: 15 * 60_000 });
  const fixes = new Map<string, number>();
  for (const a of after) {
    const retried = a.next.findIndex((n) => n.command === f.command && n.exit_code === 0);
    if (retried < 0) continue; // it never worked again soon after: nothing learned
    const between = a.next.slice(0, retried).filter((n) => n.command !== f.command && n.exit_code === 0);
    for (const n of between) fixes.set(n.command, (fixes.get(n.command) ?? 0) + 1);
  }
  const best = [...fixes.entries()].sort((x, y) => y[1] - x[1]).slice(0, 2);
  for (const [cmd, n] of best) lines.push(`- after \`${clip(f.command, 80)}\` failed before, \`${clip(cmd, 120)}\` was run and it then passed (${n}×)`);

  // 2. Error and solution memories matching the error (keywords only), line by line.
  const queries = errorLines(f.error);
  const hits = new Map<string, { kind: string; text: string; score: number }>();
  for (const q of queries) {
    try {
      // The agent waits for this answer: a store busy with another writer (the ingester learning,
      // an import, a sync) must not hold it for the busy timeout on every line just to count reuse.
      const r = await api.memories.recallError(q, { allScopes: true, topK: 3, minScore: MIN_SCORE, mode: 'keyword', noWait: true });
      for (const h of r.results) if ((hits.get(h.id)?.score ?? 0) < h.score) hits.set(h.id, { kind: h.kind, text: h.title || h.snippet, score: h.score });
    } catch {
      // an unreadable memory store says nothing
    }
  }
  for (const [id, h] of [...hits.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, 3)) {
    lines.push(`- memory ${id.slice(0, 8)} [${h.kind}] ${clip(h.text, 200)} (score ${h.score.toFixed(2)})`);
  }

  // 3. Fix-attempt patterns whose name mentions the error.
  for (const q of queries.slice(0, 1)) {
    for (const p of api.fixes.related(q, 3)) {
      if (!p.best_fix?.length || !p.success_rate) continue;
      lines.push(`- fix for '${clip(p.name, 80)}' (worked ${Math.round(p.success_rate * 100)}% of ${p.attempts}): ${clip(p.best_fix.join(' && '), 160)}`);
    }
  }

  if (!lines.length) return none;
  const context = [`mem: this failure was seen before (mem recall; \`mem history --outcome failure\` for more):`, ...lines.slice(0, MAX_LINES)].join('\n');
  return { context, output: JSON.stringify({ hookSpecificOutput: { hookEventName: f.event, additionalContext: context } }) };
}
