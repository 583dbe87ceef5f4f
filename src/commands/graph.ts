import type { Cli } from '../cli/act.js';
import type { GraphOpts } from '../cli/register/predict.js';
import { edgesToGraph, toDot } from '../predict/graph.js';
import { makeStyle, pct, safe, table } from '../render/style.js';
import { intOption } from '../util/io.js';

const rate = (e: { successes: number; failures: number }) => (e.successes + e.failures ? e.successes / (e.successes + e.failures) : null);

/** The strongest transitions between command templates (what usually follows what). */
export function run({ mem, term }: Cli, opts: GraphOpts): void {
  const edges = mem.predict.graph({ top: intOption(opts.top ?? opts.limit, opts.top === undefined ? '--limit' : '--top', 1, 10_000) });
  if (opts.dot) return term.write(toDot(edges));
  const graph = edgesToGraph(edges);
  if (term.json) return term.outJson({ nodes: graph.order, edges: edges.map((e) => ({ ...e, success_rate: rate(e) })) });
  const s = makeStyle(term.color);
  if (!edges.length) return term.out(s.dim('no transitions yet'));
  term.out(table(s, ['from', 'to', 'count', 'succeeded'], edges.map((e) => [safe(e.from), safe(e.to), e.count, pct(rate(e))]), ['left', 'left', 'right', 'right']));
  term.out(s.dim(`${graph.order} commands, ${graph.size} transitions shown; \`mem graph --dot | dot -Tsvg\` draws them`));
}
