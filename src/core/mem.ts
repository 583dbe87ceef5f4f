// The core API: one object over one store, with every capability as plain functions taking typed
// inputs and returning data. It never sees stdout, colour, TTYs or flag names; progress is a
// callback. The CLI, the MCP server and the HTTP server are front ends over it.
//
//   import { openMem } from 'mem-cli';
//   const mem = openMem();                       // the home store; or openMem({ db: 'x.db' })
//   mem.memories.add({ content: 'pip install fastapi fixed the import', kind: 'solution' });
//   const { results } = await mem.memories.search('fastapi import');
//   mem.close();
import type { AgentsApi } from '../agents/api.js';
import type { EpisodesApi } from '../episodes/api.js';
import type { FixesApi } from '../fixes/api.js';
import type { MaintenanceApi } from '../maintenance/api.js';
import type { TaskContext } from '../memory/context.js';
import type { MemoriesApi } from '../memory/api.js';
import type { PatternsApi } from '../patterns/api.js';
import type { PickerApi } from '../picker/api.js';
import type { PredictApi, Workflow } from '../predict/api.js';
import type { HistoryApi } from '../shell/api.js';
import type { ShellStats } from '../shell/store/stats.js';
import type { FixStats } from '../fixes/store/stats.js';
import type { ConfigApi } from '../config/api.js';
import type { EventsApi } from '../events/api.js';
import type { UsersApi } from '../users/api.js';
import type { SyncApi } from '../sync/api.js';
import type { IngestReport } from '../shell/ingest.js';
import { capabilities as load } from './capabilities.js';
import { createWorld, type World, type WorldOptions } from './world.js';

export type MemOptions = WorldOptions;

export interface Overview extends FixStats {
  shell: ShellStats;
  workflows: Workflow[];
}

export interface Mem {
  readonly world: World;
  readonly fixes: FixesApi;
  readonly history: HistoryApi;
  readonly predict: PredictApi;
  readonly memories: MemoriesApi;
  readonly episodes: EpisodesApi;
  readonly patterns: PatternsApi;
  /** The interactive history search (Ctrl-R): candidates matched and ranked as the user types. */
  readonly picker: PickerApi;
  readonly maintenance: MaintenanceApi;
  readonly config: ConfigApi;
  /** What was written to this store, by any process, in order (and followed as it happens). */
  readonly events: EventsApi;
  /** AI agents: their hooks (capturing the commands they run) and recall on failure. */
  readonly agents: AgentsApi;
  /** The users of `mem serve` (a registry beside the home store, each user with a store of their own). */
  readonly users: UsersApi;
  /** Team sync through a PostgreSQL hub (pg is loaded only when one of its functions runs). */
  readonly sync: SyncApi;
  /** Totals and breakdowns of everything mem remembers. */
  stats(): Overview;
  /** Similar past tasks with outcomes, matching patterns, related fixes and workflows, and recommendations. */
  taskContext(task: string, opts?: { scope?: string; allScopes?: boolean; topK?: number }): Promise<TaskContext & { notice: string | null; notice_said?: boolean }>;
  /** The same for a task recorded as a memory (its id, or a `task_id`), across the task's scope. */
  taskContextFor(taskId: string, opts?: { topK?: number }): Promise<TaskContext & { task_id: string; task_memory_id: string; notice: string | null; notice_said?: boolean }>;
  /** One ingest and learn pass in the foreground. */
  ingestOnce(learnMax?: number): IngestReport | null;
  /** The background ingester's loop (until idle or signalled). */
  runIngester(): Promise<void>;
  close(): void;
}

export function openMem(options: MemOptions = {}): Mem {
  const world = createWorld(options);
  const once = <T>(make: () => T) => {
    let v: T | undefined;
    return () => (v ??= make());
  };
  const fixes = once(() => load.fixes().fixesApi(world));
  const history = once(() => load.history().historyApi(world));
  const predict = once(() => load.predict().predictApi(world));
  const memories = once(() => load.memories().memoriesApi(world));
  const episodes = once(() => load.episodes().episodesApi(world));
  const patterns = once(() => load.patterns().patternsApi(world));
  const picker = once(() => load.picker().pickerApi(world));
  const config = once(() => load.config().configApi(world));
  const events = once(() => load.events().eventsApi(world));
  const agents = once(() => load.agents().agentsApi(world, { memories, fixes }));
  let usersOpen: UsersApi | undefined;
  const users = () => (usersOpen ??= load.users().usersApi(world));
  const sync = once(() => load.sync().syncApi(world));
  const maintenance = once(() =>
    load.maintenance().maintenanceApi(world, (r) => {
      if (r.added.memories) load.embedder().startEmbedWorker(world); // vectors are not exported: embed again
    }),
  );
  const sources = {
    matchingPatterns: (t: string, scope: string | undefined, limit: number) => patterns().matching(t, scope, limit),
    relatedFixes: (t: string, limit: number) => fixes().related(t, limit),
    workflows: () => predict().workflows({ minCount: 2, limit: 200 }),
  };
  return {
    world,
    get fixes() {
      return fixes();
    },
    get history() {
      return history();
    },
    get predict() {
      return predict();
    },
    get memories() {
      return memories();
    },
    get episodes() {
      return episodes();
    },
    get patterns() {
      return patterns();
    },
    get picker() {
      return picker();
    },
    get maintenance() {
      return maintenance();
    },
    get config() {
      return config();
    },
    get events() {
      return events();
    },
    get agents() {
      return agents();
    },
    get users() {
      return users();
    },
    get sync() {
      return sync();
    },
    stats() {
      predict().freshen();
      return { ...fixes().stats(), shell: history().stats(), workflows: predict().workflows({ minCount: 3, limit: 5 }) };
    },
    taskContext: (task, o = {}) => load.context().taskContext(world, task, o, sources),
    async taskContextFor(taskId, o = {}) {
      const m = memories().task(taskId);
      const ctx = await load.context().taskContext(world, [m.title, m.content].filter(Boolean).join(': '), { scope: m.scope, topK: o.topK, exclude: [m.id] }, sources);
      return { task_id: taskId, task_memory_id: m.id, ...ctx };
    },
    ingestOnce: (learnMax) => load.ingester().ingestOnce(world, learnMax),
    runIngester: () => load.ingester().runIngester(world),
    close: () => {
      usersOpen?.close();
      world.close();
    },
  };
}
