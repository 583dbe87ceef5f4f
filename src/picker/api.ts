// The history picker in the core (Ctrl-R): distinct commands in a scope (the whole history, this
// host, this shell session, this directory, this git repository), matched and ranked as the user
// types. A picker is opened once per key press and asked many times: it reads each scope's
// candidates once, keeps the matches of the last query (a query that only grows searches only
// those), and reads the details of a row (exit status, duration, directory) only when shown.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { World } from '../core/world.js';
import { InputError, intIn } from '../errors.js';
import { loadPredictor } from '../predict/learner.js';
import { SqlStats } from '../predict/store/stats.js';
import { gitRootFinder } from '../shell/gitroot.js';
import { parseQuery } from './match.js';
import { rank, toCandidate, warm, type Candidate, type RankContext } from './rank.js';
import { PAGE, PickerStore, type RunDetail, type ScopeFilter } from './store.js';

export const MODES = ['global', 'host', 'session', 'directory', 'repository'] as const;
export type Mode = (typeof MODES)[number];

export interface PickerOptions {
  /** The shell session ($MEM_SESSION of the shell that pressed the key). */
  session?: string;
  /** The shell's directory (default: the world's cwd). */
  cwd?: string;
  host?: string;
  mode?: Mode;
  /** Rank with what the predictor expects after this session's last command (default true). */
  context?: boolean;
  /**
   * For a first screen as early as possible: until warm() the empty query of the whole history
   * ranks the most recent and most frequent commands only, by recency and frequency (warm() reads
   * the rest, the directory's counts and the predictor's expectations; the front end draws again).
   */
  quickStart?: boolean;
}

export interface PickedRow {
  command: string;
  /** Runs in the scope. */
  count: number;
  failures: number;
  /** Epoch ms of the latest run. */
  last_ts: number;
  /** The latest run: its row id, exit status, duration and directory. */
  id: number | null;
  exit_code: number | null;
  duration_ms: number | null;
  cwd: string | null;
  score: number;
}

export interface PickResult {
  mode: Mode;
  rows: PickedRow[];
  /** Distinct commands that match. */
  matched: number;
  /** Distinct commands in the scope. */
  total: number;
  /** Only the most recent and frequent were ranked (quickStart, before warm()): counts are not final. */
  partial?: boolean;
}

export interface Picker {
  readonly mode: Mode;
  /** The modes this shell can use (no session outside a hooked shell, no repository outside git). */
  readonly modes: readonly Mode[];
  /** Switches scope (read now, once per picker). */
  setMode(mode: Mode): void;
  /** The next usable mode after the current one. */
  nextMode(): Mode;
  /** The best `limit` matches of `query`, with their latest run's details. */
  search(query: string, limit: number): PickResult;
  /** Every row of a command line (what deleting it removes). */
  idsOf(command: string): number[];
  /** Forgets what was read (after a deletion). */
  reload(): void;
  /**
   * Prepares the current scope for matching, a step at a time (the front end calls it once the
   * first screen is drawn, and again, between keys, until it answers true). Until then, what is
   * typed is matched against the first screen's candidates only, and results are partial.
   */
  warm(): boolean;
}

export interface PickerApi {
  open(opts?: PickerOptions): Picker;
}

export function pickerApi(world: World): PickerApi {
  return { open: (o = {}) => openPicker(world, o) };
}

function openPicker(world: World, o: PickerOptions): Picker {
  if (o.mode !== undefined && !MODES.includes(o.mode)) throw new InputError(`must be one of ${MODES.join(', ')}, got '${String(o.mode)}'`, undefined, 'mode');
  const db = world.readDb();
  const store = new PickerStore(db);
  const cwd = o.cwd === undefined ? world.cwd : resolve(world.cwd, o.cwd);
  const session = o.session || undefined;
  const root = gitRootFinder()(cwd);
  const host = o.host || hostname();
  const scopes: Record<Mode, ScopeFilter | null> = {
    global: { kind: 'all' },
    host: { kind: 'host', host },
    session: session ? { kind: 'session', session } : null,
    directory: { kind: 'cwd', cwd },
    repository: root ? { kind: 'repo', root } : null,
  };
  const modes = MODES.filter((m) => scopes[m]);
  let mode: Mode = o.mode ?? 'global';
  if (!scopes[mode]) throw new InputError(mode === 'session' ? 'needs a shell session ($MEM_SESSION)' : `${cwd} is not in a git repository`, undefined, 'mode');

  const pools = new Map<Mode, { all: Candidate[]; maxCount: number }>();
  let quick: { all: Candidate[]; maxCount: number } | null = null;
  let warmed = !o.quickStart;
  // The whole history read so far by warm(), a page per step.
  let loading: { all: Candidate[]; after: string | null } | null = null;
  const details = new Map<string, RunDetail | null>();
  let last: { mode: Mode; query: string; matched: Candidate[] } | null = null;
  let ctx: Omit<RankContext, 'maxCount'> | null = null;

  const pool = (m: Mode) => {
    let p = pools.get(m);
    if (!p) {
      const all = store.candidates(scopes[m]!).map(toCandidate);
      let maxCount = 1;
      for (const c of all) if (c.count > maxCount) maxCount = c.count;
      pools.set(m, (p = { all, maxCount }));
    }
    return p;
  };
  const context = () =>
    (ctx ??= {
      now: world.now(),
      here: store.countsIn(cwd),
      follows: o.context === false ? new Map() : follows(db, session, cwd, world.now()),
    });
  const detail = (c: Candidate): RunDetail | null => {
    if (c.run) return c.run;
    let d = details.get(c.command);
    if (d === undefined) details.set(c.command, (d = store.latestRun(c.command, c.last_ts) ?? null));
    return d;
  };
  const picked = (c: Candidate, score: number): PickedRow => {
    const d = detail(c);
    return { command: c.command, count: c.count, failures: c.failures, last_ts: c.last_ts, id: d?.id ?? null, exit_code: d?.exit_code ?? null, duration_ms: d?.duration_ms ?? null, cwd: d?.cwd ?? null, score };
  };

  return {
    get mode() {
      return mode;
    },
    modes,
    setMode(m) {
      if (!scopes[m]) throw new InputError(`mode '${m}' is not available here`, undefined, 'mode');
      mode = m;
    },
    nextMode: () => modes[(modes.indexOf(mode) + 1) % modes.length]!,
    search(query, limit) {
      intIn(limit, 'limit', 1, 100_000);
      const terms = parseQuery(query);
      if (!warmed && mode === 'global' && !pools.has(mode)) {
        if (!quick) {
          quick = { all: store.firstScreen(Math.max(300, limit * 3), 100), maxCount: 1 };
          for (const c of quick.all) if (c.count > quick.maxCount) quick.maxCount = c.count;
        }
        const { top, matched } = rank(quick.all, terms, { now: world.now(), here: new Map(), follows: new Map(), maxCount: quick.maxCount }, limit);
        last = null;
        return { mode, rows: top.map(({ c, score }) => picked(c, score)), matched: matched.length, total: quick.all.length, partial: true };
      }
      const p = pool(mode);
      // A query that only grew (typing on) matches a subset of what the last one matched (not
      // when a lone ' or ^ just became a marker: "'" is a fuzzy word, "'x" an exact one).
      const grows = last !== null && last.mode === mode && query.startsWith(last.query) && !/(^|\s)['^]$/.test(last.query);
      const from = grows ? last!.matched : p.all;
      const { top, matched } = rank(from, terms, { ...context(), maxCount: p.maxCount }, limit);
      last = { mode, query, matched };
      return { mode, rows: top.map(({ c, score }) => picked(c, score)), matched: matched.length, total: p.all.length };
    },
    idsOf: (command) => store.idsOf(command),
    warm() {
      if (warmed) return true;
      if (mode === 'global' && !pools.has(mode)) {
        // A page of the whole history per step (the directory's counts and the predictor's
        // expectations first): each step is a few ms, so a key typed meanwhile waits for no more.
        if (!ctx) {
          context();
          return false;
        }
        loading ??= { all: [], after: null };
        const page = store.page(loading.after);
        const fresh = page.rows.map(toCandidate);
        warm(fresh);
        loading.all.push(...fresh);
        loading.after = page.last;
        if (page.rows.length === PAGE) return false;
        let maxCount = 1;
        for (const c of loading.all) if (c.count > maxCount) maxCount = c.count;
        pools.set(mode, { all: loading.all, maxCount });
      } else {
        context();
        warm(pool(mode).all);
      }
      warmed = true;
      quick = null;
      loading = null;
      last = null;
      return true;
    },
    reload() {
      // The first screen's candidates too: until warm() is done they are what a search shows.
      quick = null;
      loading = null;
      pools.clear();
      details.clear();
      last = null;
      ctx = null;
    },
  };
}

/** What the predictor expects after this session's last commands, relative to its best guess. */
function follows(db: ReturnType<World['readDb']>, session: string | undefined, cwd: string, now: number): Map<string, number> {
  const out = new Map<string, number>();
  if (!session) return out;
  try {
    const stats = new SqlStats(db);
    const recent = stats.stream(session);
    if (!recent.length) return out;
    const predictions = loadPredictor(stats).predict({ recent, cwd, now, k: 10 });
    const best = predictions[0]?.confidence || 1;
    for (const p of predictions) out.set(p.next_command, p.confidence / best);
  } catch {
    // no statistics yet (or a store being relearned): rank without them
  }
  return out;
}
