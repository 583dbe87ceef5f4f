// `mem workflows`: the counted sequences (store/workflows.ts) as the cycles the user runs. Windows
// of 3 to 5 steps over `a b c a b c` count `a b c`, `b c a`, `c a b`, `a b c a`...: one workflow,
// seen from different starting points. Each sequence is reduced to its cycle (the shortest period
// that generates it), rotations of one cycle are one workflow, and a cycle inside a longer one that
// happened about as often is part of it. The workflow shows its most frequent rotation, and the
// list is ordered by how often each was seen.
import type { WorkflowRow } from './store/workflows.js';

export interface Workflow {
  steps: string[];
  templates: string[];
  occurrences: number;
  sessions: number;
  successes: number;
  failures: number;
  success_rate: number | null;
  failure_rate: number | null;
  typical_directory: string | null;
  last_seen: string;
}

/** Looking around is not a workflow: `ls`, `cd ..`, `ls` recurs in everyone's history. */
const NAVIGATION = new Set(['ls', 'll', 'la', 'l', 'cd', 'pwd', 'clear', 'cls', 'exit', 'history', '..', '...', 'tree', 'z', 'j']);
const doesSomething = (template: string) => !NAVIGATION.has(template.trim().split(/\s+/)[0] ?? '');

/** A sub-sequence is part of a longer workflow when it was seen at most this much more often. */
const AS_OFTEN = 1.25;

/** The shortest prefix that, repeated, generates the sequence (`a b c a` → `a b c`). */
export function cycleOf(xs: readonly string[]): string[] {
  for (let p = 1; p < xs.length; p++) if (xs.every((x, i) => i < p || x === xs[i - p])) return xs.slice(0, p);
  return [...xs];
}

/** The cycle's rotation that sorts first: one name for `a b c`, `b c a` and `c a b`. */
export function canonicalRotation(cycle: readonly string[]): string {
  let best: string | undefined;
  for (let i = 0; i < cycle.length; i++) {
    const r = [...cycle.slice(i), ...cycle.slice(0, i)].join('\x1e');
    if (best === undefined || r < best) best = r;
  }
  return best ?? '';
}

/** Whether `part` runs inside `cycle` read round and round (`c a` is inside `a b c`). */
function insideCycle(part: readonly string[], cycle: readonly string[]): boolean {
  if (part.length > cycle.length) return false;
  for (let i = 0; i < cycle.length; i++) if (part.every((x, j) => x === cycle[(i + j) % cycle.length])) return true;
  return false;
}

interface Group {
  cycle: string[];
  rep: WorkflowRow;
}

export function mergeWorkflows(rows: readonly WorkflowRow[], limit: number): Workflow[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    if (r.templates.filter(doesSomething).length < 2) continue;
    const cycle = cycleOf(r.templates);
    if (new Set(cycle).size < 2) continue;
    const key = canonicalRotation(cycle);
    const g = groups.get(key);
    // The rotation seen most often stands for the cycle; at equal counts, the full turn (or longer).
    const better = (a: WorkflowRow, b: WorkflowRow) => a.occurrences > b.occurrences || (a.occurrences === b.occurrences && fullTurn(a, cycle) > fullTurn(b, cycle));
    if (!g) groups.set(key, { cycle, rep: r });
    else if (better(r, g.rep)) g.rep = r;
  }
  const kept: Group[] = [];
  for (const g of [...groups.values()].sort((a, b) => b.cycle.length - a.cycle.length || b.rep.occurrences - a.rep.occurrences)) {
    const within = kept.some((k) => k.cycle.length > g.cycle.length && insideCycle(g.cycle, k.cycle) && g.rep.occurrences <= k.rep.occurrences * AS_OFTEN);
    if (!within) kept.push(g);
  }
  return kept
    .sort((a, b) => b.rep.occurrences - a.rep.occurrences || b.cycle.length - a.cycle.length || b.rep.last_seen - a.rep.last_seen)
    .slice(0, limit)
    .map(({ rep: r }) => {
      const decided = r.successes + r.failures;
      return {
        steps: r.steps,
        templates: r.templates,
        occurrences: r.occurrences,
        sessions: r.sessions,
        successes: r.successes,
        failures: r.failures,
        success_rate: decided ? r.successes / decided : null,
        failure_rate: decided ? r.failures / decided : null,
        typical_directory: r.top_cwd,
        last_seen: new Date(r.last_seen).toISOString(),
      };
    });
}

/** 1 when the row is exactly one turn of its cycle, 0 when it is longer (`a b c a`), -1 when shorter. */
function fullTurn(r: WorkflowRow, cycle: readonly string[]): number {
  return r.templates.length === cycle.length ? 1 : r.templates.length > cycle.length ? 0 : -1;
}
