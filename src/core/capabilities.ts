// The modules behind openMem's capabilities, each handed over by a function so that openMem asks
// for one only when a capability is first used. Here every one is imported up front (the library,
// the MCP server, the tests); the CLI's bundle swaps in capabilities.lazy.ts, which loads each on
// that first use, so a `mem add` does not initialise prediction, sync, maintenance and the rest.
import * as agents from '../agents/api.js';
import * as config from '../config/api.js';
import * as episodes from '../episodes/api.js';
import * as events from '../events/api.js';
import * as fixes from '../fixes/api.js';
import * as maintenance from '../maintenance/api.js';
import * as context from '../memory/context.js';
import * as embedder from '../memory/embedder.js';
import * as memories from '../memory/api.js';
import * as patterns from '../patterns/api.js';
import * as picker from '../picker/api.js';
import * as predict from '../predict/api.js';
import * as history from '../shell/api.js';
import * as sync from '../sync/api.js';
import * as users from '../users/api.js';
import * as ingester from './ingester.js';

export const capabilities = {
  agents: () => agents,
  config: () => config,
  episodes: () => episodes,
  events: () => events,
  fixes: () => fixes,
  maintenance: () => maintenance,
  context: () => context,
  embedder: () => embedder,
  memories: () => memories,
  patterns: () => patterns,
  picker: () => picker,
  predict: () => predict,
  history: () => history,
  sync: () => sync,
  users: () => users,
  ingester: () => ingester,
};
