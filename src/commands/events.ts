// mem events [--follow]: the store's events table, the same feed `mem serve` streams as SSE.
import type { Cli } from '../cli/act.js';
import type { EventsOpts } from '../cli/register/server.js';
import type { MemEvent } from '../events/api.js';
import { safe } from '../render/style.js';
import { intOption } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: EventsOpts): Promise<void> {
  const types = opts.type?.split(',');
  const after = opts.after === undefined ? undefined : intOption(opts.after, '--after', 0);
  // --json prints one event per line (JSON Lines): a follower's output is a stream.
  const print = (events: MemEvent[]) => {
    for (const e of events) term.write(term.json ? JSON.stringify(e) + '\n' : `${e.id}  ${e.at.slice(0, 19).replace('T', ' ')}  ${e.type.padEnd(24)}  ${safe(summary(e))}\n`);
  };
  if (!opts.follow) return print(mem.events.list({ after, types, limit: intOption(opts.limit, '--limit', 1, 10_000) }));
  const follower = mem.events.follow({ after, types }, print);
  await new Promise<void>((done) => {
    const stop = () => {
      follower.stop();
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function summary(e: MemEvent): string {
  const d = e.data;
  const s = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (e.type) {
    case 'memory.stored':
      return `${s(d.kind)} ${s(d.id)}${d.title ? ` "${s(d.title)}"` : ''} (scope ${s(d.scope)})`;
    case 'fix.recorded':
      return `#${s(d.id)} ${s(d.issue_type)} on ${s(d.model)} ${d.fix_success ? 'fixed' : 'failed'}`;
    case 'command.ingested': {
      const last = (d.commands as { command: string }[] | undefined)?.at(-1)?.command;
      return `${s(d.added)} command${d.added === 1 ? '' : 's'}${last ? `, last: ${last.split('\n')[0]}` : ''}`;
    }
    case 'memory.pattern.learned':
      return `${s(d.type)} /${s(d.match)}/ confidence ${Number(d.confidence).toFixed(2)}${d.updated ? ' (updated)' : ''}`;
    case 'memory.pattern.matched':
      return `${(d.patterns as unknown[]).length} pattern(s) for "${s(d.task)}"`;
    case 'memory.context.suggested':
      return `context for "${s(d.task)}"`;
  }
}
