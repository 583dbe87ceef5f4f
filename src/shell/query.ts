// `mem history [QUERY]` in the core: the filters run in SQL (substring, prefix and fuzzy are LIKE
// patterns), a regex runs here over pages of the SQL-filtered rows, newest first, each line within
// its time budget, until enough have matched. When nothing matches, the answer says which filter
// matched nothing: each filter is tried alone, so "no commands recorded yet" is said only when the
// store holds none.
import { outcomeFilter } from '../util/outcome.js';
import { InputError, intIn } from '../errors.js';
import type { HistoryMatch, HistoryQuery, HistoryResult } from './api.js';
import { regexSearcher } from './filters.js';
import type { CommandFilter, HistoryRow, ShellStore } from './store/commands.js';

const MATCHES: readonly HistoryMatch[] = ['substring', 'fuzzy', 'prefix', 'regex'];
/** Rows a regex judges per call: a call costs ~0.3 ms, a line ~1 µs. */
const REGEX_PAGE = 2000;

export function queryHistory(store: ShellStore, q: HistoryQuery): HistoryResult {
  const limit = q.limit === undefined ? 50 : intIn(q.limit, 'limit', 1, 1_000_000);
  const match = q.match ?? 'substring';
  if (!MATCHES.includes(match)) throw new InputError(`must be ${MATCHES.join(', ')}, got '${String(match)}'`, undefined, 'match');
  if (q.exit !== undefined) intIn(q.exit, 'exit', -1_000_000, 1_000_000);
  const text = q.query ?? '';
  if (typeof text !== 'string') throw new InputError('must be a string', undefined, 'query');
  const notices: string[] = [];
  const filter: CommandFilter = {
    session: q.session,
    cwd: q.cwd,
    outcome: outcomeFilter(q, q.failed ? 'failure' : undefined),
    exit: q.exit,
    since: q.since,
    until: q.before,
    host: q.host,
    author: q.author,
    authorKind: q.authorKind,
    ...textFilter(match, text),
  };

  let rows: HistoryRow[];
  if (match === 'regex' && text !== '') {
    const search = regexSearcher(text, 'regex');
    const found: HistoryRow[] = [];
    let timedOut = 0;
    for (let before: { ts: number; id: number } | undefined; found.length < limit; ) {
      const page = store.page({ ...filter, before, limit: REGEX_PAGE });
      if (!page.length) break;
      const verdicts = search(page.map((r) => r.command));
      for (const [i, r] of page.entries()) {
        if (verdicts[i] === 'timeout') timedOut++;
        if (verdicts[i] !== 'match' || found.length >= limit) continue;
        const { ts: _t, ...row } = r;
        found.push(row);
      }
      const last = page[page.length - 1]!;
      before = { ts: last.ts, id: last.id };
    }
    if (timedOut) notices.push(`the regex ran out of its time on ${timedOut} line${timedOut === 1 ? '' : 's'}, not shown; simplify it`);
    rows = found.reverse();
  } else rows = store.history({ ...filter, limit });
  if (q.newestFirst) rows.reverse();
  return { commands: rows, notice: notices.length ? notices.join('; ') : null, empty: rows.length ? null : whyEmpty(store, filter, match, text) };
}

function textFilter(match: HistoryMatch, text: string): Partial<CommandFilter> {
  if (text === '') return {};
  if (match === 'substring') return { contains: text };
  if (match === 'prefix') return { prefix: text };
  if (match === 'fuzzy') return { fuzzy: text.split(/\s+/).filter(Boolean) };
  return {};
}

const NAMES: Record<keyof CommandFilter, string> = {
  session: 'session',
  cwd: 'directory',
  outcome: 'outcome',
  exit: 'exit status',
  since: 'since',
  until: 'before',
  host: 'host',
  author: 'author',
  authorKind: 'author kind',
  contains: 'text',
  prefix: 'prefix',
  fuzzy: 'fuzzy query',
};

/** Which filter matched nothing: each one alone, then the combination. */
function whyEmpty(store: ShellStore, filter: CommandFilter, match: HistoryMatch, text: string): string {
  if (!store.any({})) return 'no commands recorded yet (mem init --install zsh to start, or mem import-history)';
  const given = (Object.keys(filter) as (keyof CommandFilter)[]).filter((k) => filter[k] !== undefined);
  const alone = given.filter((k) => !store.any({ [k]: filter[k] }));
  const show = (k: keyof CommandFilter) => {
    const v = filter[k];
    if (k === 'since' || k === 'until') return `${NAMES[k]} ${new Date(v as number).toISOString()}`;
    if (k === 'outcome') return v === 'failure' ? 'failed (exit status non-zero)' : 'succeeded (exit status 0)';
    if (k === 'fuzzy') return `${NAMES[k]} '${text}'`;
    return `${NAMES[k]} '${String(v)}'`;
  };
  if (alone.length) return `no command matches ${alone.map(show).join(', ')}`;
  if (match === 'regex' && text !== '') return given.length ? `no command matching the other filters matches the regex '${text}'` : `no command matches the regex '${text}'`;
  return `no command matches ${given.map(show).join(' and ')} together (each matches some alone)`;
}
