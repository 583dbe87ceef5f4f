// In-memory PredictStats, learned one event at a time in O(1)-ish: every update touches a fixed
// number of rows (one command, one edge per successor kind, a few bounded top lists).
// Transitions live in graphology DirectedGraphs, one per kind: nodes are contexts and commands
// (templates, names), edges carry count / success / recency attributes. The `template1` graph is
// what `mem graph` draws.
import type { DirectedGraph } from 'graphology';
import { newDirectedGraph } from './graphology.js';
import { addOccurrence, CONTEXT_HALF_LIFE, DEFAULT_HALF_LIFE, EMPTY_DECAY_KEY, weightedAt } from './decay.js';
import { transitions } from './keys.js';
import { commandName, normalize } from './normalize.js';
import { TopN } from './top-n.js';
import {
  SUCCESSOR_KINDS,
  type CommandEvent,
  type CommandStats,
  type ContextTotals,
  type PredictStats,
  type Successor,
  type SuccessorKind,
} from './types.js';

/** Capacity of the global top lists: `frequent`, `trending` and `recent` answer limits up to this. */
const TOP_CAPACITY = 256;
/** Successor lists longer than this are served by a scan of the context's edges. */
const EDGE_TOP_CAPACITY = 32;
const heavier = (a: EdgeAttrs, b: EdgeAttrs): boolean => a.count > b.count || (a.count === b.count && a.last_seen > b.last_seen);

export interface EdgeAttrs {
  count: number;
  /** Log-domain decay key, see decay.ts. */
  wkey: number;
  successes: number;
  failures: number;
  last_seen: number;
  last_ts: number | null;
  /** Latest concrete line for this edge's target. */
  command: string;
  /** Log-domain decay key in the context's own clock (its occurrence number), see decay.ts. */
  ckey: number;
  /** The target node (the successor item), kept so the per-context top list can name it. */
  target: string;
}

export interface NodeAttrs {
  /** Transitions out of this node as a context. */
  count: number;
  wkey: number;
  /** Its heaviest out-edges, kept exact incrementally (the index a SQL store would use). */
  top: TopN<EdgeAttrs> | null;
}

export type TransitionGraph = DirectedGraph<NodeAttrs, EdgeAttrs>;

/** A command line's counts as both stores keep them (decay key instead of a weighted count). */
export interface CommandRow {
  command: string;
  template: string;
  name: string;
  count: number;
  wkey: number;
  successes: number;
  failures: number;
  last_seen: number;
  last_ts: number | null;
}

export class MemoryStats implements PredictStats {
  seq = 0;
  private readonly rows = new Map<string, CommandRow>();
  private readonly graphs = new Map<SuccessorKind, TransitionGraph>();
  private readonly byCount = new TopN<CommandRow>(TOP_CAPACITY, (a, b) => a.count > b.count || (a.count === b.count && a.last_seen > b.last_seen));
  private readonly byWeight = new TopN<CommandRow>(TOP_CAPACITY, (a, b) => a.wkey > b.wkey);
  private readonly byRecency = new TopN<CommandRow>(TOP_CAPACITY, (a, b) => a.last_seen > b.last_seen);
  private prev: { event: CommandEvent; row: CommandRow } | undefined;
  private prev2: CommandRow | undefined;

  constructor(readonly halfLife = DEFAULT_HALF_LIFE) {
    for (const kind of SUCCESSOR_KINDS) this.graphs.set(kind, newDirectedGraph<NodeAttrs, EdgeAttrs>());
  }

  /** Counts one command after the ones learned before it. */
  learn(event: CommandEvent): void {
    const command = event.command.trim();
    if (!command) return;
    const seq = this.seq++;
    const ok = event.exit_code == null ? 0 : event.exit_code === 0 ? 1 : -1;
    let row = this.rows.get(command);
    if (!row) {
      row = { command, template: normalize(command), name: commandName(command), count: 0, wkey: EMPTY_DECAY_KEY, successes: 0, failures: 0, last_seen: -1, last_ts: null };
      this.rows.set(command, row);
    }
    row.count++;
    row.wkey = addOccurrence(row.wkey, seq, this.halfLife);
    if (ok > 0) row.successes++;
    if (ok < 0) row.failures++;
    row.last_seen = seq;
    row.last_ts = event.ts;
    this.byCount.touch(row);
    this.byWeight.touch(row);
    this.byRecency.touch(row);

    const p = this.prev;
    const at = { seq, ts: event.ts, ok, command };
    for (const t of transitions(this.prev2, p && { event: p.event, line: p.row }, event, row)) this.count(t.kind, t.key, t.item, at);
    this.prev2 = p?.row;
    this.prev = { event, row };
  }

  private count(kind: SuccessorKind, key: string, item: string, at: { seq: number; ts: number | null; ok: number; command: string }): void {
    const g = this.graphs.get(kind)!;
    if (!g.hasNode(key)) g.addNode(key, { count: 0, wkey: EMPTY_DECAY_KEY, top: null });
    if (!g.hasNode(item)) g.addNode(item, { count: 0, wkey: EMPTY_DECAY_KEY, top: null });
    const node = g.getNodeAttributes(key);
    const n = node.count;
    node.count++;
    node.wkey = addOccurrence(node.wkey, at.seq, this.halfLife);
    node.top ??= new TopN<EdgeAttrs>(EDGE_TOP_CAPACITY, heavier);
    const edge = g.edge(key, item);
    if (edge === undefined) {
      const attrs: EdgeAttrs = {
        count: 1,
        wkey: addOccurrence(EMPTY_DECAY_KEY, at.seq, this.halfLife),
        successes: at.ok > 0 ? 1 : 0,
        failures: at.ok < 0 ? 1 : 0,
        last_seen: at.seq,
        last_ts: at.ts,
        command: at.command,
        ckey: addOccurrence(EMPTY_DECAY_KEY, n, CONTEXT_HALF_LIFE),
        target: item,
      };
      g.addEdge(key, item, attrs);
      node.top.touch(attrs);
      return;
    }
    // Attributes are mutated in place: graphology hands out its own object, and no listener
    // needs change events here.
    const e = g.getEdgeAttributes(edge);
    e.count++;
    e.wkey = addOccurrence(e.wkey, at.seq, this.halfLife);
    if (at.ok > 0) e.successes++;
    if (at.ok < 0) e.failures++;
    e.last_seen = at.seq;
    e.last_ts = at.ts;
    e.command = at.command;
    e.ckey = addOccurrence(e.ckey, n, CONTEXT_HALF_LIFE);
    node.top.touch(e);
  }

  successors(kind: SuccessorKind, key: string, limit: number): Successor[] {
    const g = this.graphs.get(kind)!;
    if (!g.hasNode(key) || limit <= 0) return [];
    const node = g.getNodeAttributes(key);
    let top: EdgeAttrs[];
    if (node.top && limit <= EDGE_TOP_CAPACITY) top = node.top.top(limit);
    else {
      top = [];
      g.forEachOutEdge(key, (_edge, e) => void top.push(e));
      top.sort((a, b) => (heavier(a, b) ? -1 : heavier(b, a) ? 1 : 0));
      top.length = Math.min(top.length, limit);
    }
    return top.map((e) => {
      const row = this.rows.get(e.command)!;
      return {
        item: e.target,
        command: e.command,
        template: row.template,
        name: row.name,
        count: e.count,
        weighted: weightedAt(e.wkey, this.seq, this.halfLife),
        successes: e.successes,
        failures: e.failures,
        last_seen: e.last_seen,
        last_ts: e.last_ts,
        local: weightedAt(e.ckey, node.count - 1, CONTEXT_HALF_LIFE),
      };
    });
  }

  context(kind: SuccessorKind, key: string): ContextTotals {
    const g = this.graphs.get(kind)!;
    if (!g.hasNode(key)) return { count: 0, weighted: 0, local: 0, distinct: 0 };
    const n = g.getNodeAttributes(key);
    const r = 2 ** (-1 / CONTEXT_HALF_LIFE);
    return { count: n.count, weighted: weightedAt(n.wkey, this.seq, this.halfLife), local: (1 - r ** n.count) / (1 - r), distinct: g.outDegree(key) };
  }

  frequent(limit: number): CommandStats[] {
    return this.byCount.top(limit).map((r) => this.view(r));
  }

  trending(limit: number): CommandStats[] {
    return this.byWeight.top(limit).map((r) => this.view(r));
  }

  recent(limit: number): CommandStats[] {
    return this.byRecency.top(limit).map((r) => this.view(r));
  }

  commands(lines: readonly string[]): Map<string, CommandStats> {
    const out = new Map<string, CommandStats>();
    for (const line of lines) {
      const r = this.rows.get(line);
      if (r) out.set(line, this.view(r));
    }
    return out;
  }

  /** The transition graph of one kind (read-only use: `mem graph`, diagnostics). */
  graph(kind: SuccessorKind): TransitionGraph {
    return this.graphs.get(kind)!;
  }

  private view(r: CommandRow): CommandStats {
    return {
      command: r.command,
      template: r.template,
      name: r.name,
      count: r.count,
      weighted: weightedAt(r.wkey, this.seq, this.halfLife),
      successes: r.successes,
      failures: r.failures,
      last_seen: r.last_seen,
      last_ts: r.last_ts,
    };
  }
}
