import type { Ctx } from '../context.js';
import { freshen } from '../predict/freshen.js';
import { edgesToGraph, toDot, type TransitionEdge } from '../predict/graph.js';
import { makeStyle, pct, safe, table } from '../render/style.js';
import { intOption } from '../util/io.js';

/** The strongest transitions between command templates (what usually follows what). */
export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  const top = intOption(opts.top, '--top', 1, 10_000);
  freshen(ctx);
  const edges = (
    ctx
      .db()
      .prepare("SELECT key AS `from`, item AS `to`, count, successes, failures, last_seen FROM predict_transitions WHERE kind = 'template1' AND count >= 2 ORDER BY count DESC, last_seen DESC LIMIT ?")
      .all(top) as TransitionEdge[]
  );
  if (opts.dot) return void process.stdout.write(toDot(edges));
  const graph = edgesToGraph(edges);
  if (ctx.json) return ctx.outJson({ nodes: graph.order, edges: edges.map((e) => ({ ...e, success_rate: e.successes + e.failures ? e.successes / (e.successes + e.failures) : null })) });
  const s = makeStyle(ctx.color);
  if (!edges.length) return ctx.out(s.dim('no transitions yet'));
  ctx.out(table(s, ['from', 'to', 'count', 'succeeded'], edges.map((e) => [safe(e.from), safe(e.to), e.count, pct(e.successes + e.failures ? e.successes / (e.successes + e.failures) : null)]), ['left', 'left', 'right', 'right']));
  ctx.out(s.dim(`${graph.order} commands, ${graph.size} transitions shown; \`mem graph --dot | dot -Tsvg\` draws them`));
}
