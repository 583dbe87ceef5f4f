// `mem graph`: the strongest transitions as a Graphviz DOT digraph. Templates make the clearest
// picture (`git add <PATH>` → `git commit -m <QUOTED>`), so that is the default kind. The in-memory
// store hands over its graphology graph; a SQL store selects its top edges
// (`ORDER BY count DESC LIMIT n` on the transitions index) and passes them to `toDot` directly.
import type { DirectedGraph } from 'graphology';
import { newDirectedGraph } from './graphology.js';
import type { TransitionGraph } from './memory-stats.js';

export interface TransitionEdge {
  from: string;
  to: string;
  count: number;
  successes: number;
  failures: number;
  last_seen: number;
}

/** The `limit` heaviest edges with at least `minCount` occurrences, heaviest first. */
export function strongestTransitions(graph: TransitionGraph, limit: number, minCount = 2): TransitionEdge[] {
  const out: TransitionEdge[] = [];
  // A full pass over the edges: fine for an on-demand report, never on the prediction path.
  graph.forEachEdge((_key, e, from, to) => {
    if (e.count >= minCount) out.push({ from, to, count: e.count, successes: e.successes, failures: e.failures, last_seen: e.last_seen });
  });
  out.sort((a, b) => b.count - a.count || b.last_seen - a.last_seen || (a.from + a.to).localeCompare(b.from + b.to));
  return out.slice(0, limit);
}

/** A graphology graph of just these edges (e.g. for layout or further analysis). */
export function edgesToGraph(edges: readonly TransitionEdge[]): DirectedGraph<{ label: string }, TransitionEdge> {
  const g = newDirectedGraph<{ label: string }, TransitionEdge>();
  for (const e of edges) {
    g.mergeNode(e.from, { label: e.from });
    g.mergeNode(e.to, { label: e.to });
    g.mergeEdge(e.from, e.to, e);
  }
  return g;
}

function dotString(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  const short = one.length > 48 ? one.slice(0, 45) + '...' : one;
  return '"' + short.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/**
 * DOT text: edge labels carry the count (and success rate when exit codes are known); pen width
 * grows with the log of the count so the main paths stand out.
 */
export function toDot(edges: readonly TransitionEdge[], title = 'mem transitions'): string {
  const g = edgesToGraph(edges);
  const ids = new Map<string, string>();
  const lines = [`digraph ${dotString(title)} {`, '  rankdir=LR;', '  node [shape=box, fontname="monospace", fontsize=10];', '  edge [fontsize=9];'];
  g.forEachNode((node) => {
    const id = `n${ids.size}`;
    ids.set(node, id);
    lines.push(`  ${id} [label=${dotString(node)}];`);
  });
  const max = Math.max(1, ...edges.map((e) => e.count));
  g.forEachEdge((_key, e, from, to) => {
    const known = e.successes + e.failures;
    const label = known > 0 ? `${e.count} (${Math.round((100 * e.successes) / known)}% ok)` : String(e.count);
    const width = (1 + (3 * Math.log1p(e.count)) / Math.log1p(max)).toFixed(2);
    lines.push(`  ${ids.get(from)} -> ${ids.get(to)} [label="${label}", penwidth=${width}];`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}
