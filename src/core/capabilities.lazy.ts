// capabilities.ts for the CLI's bundle (scripts/build.mjs puts it in that module's place): each
// capability's modules are required, and so initialised, on its first use. esbuild bundles these
// require() calls like imports; only this bundle runs this file, never Node or the tests directly.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { capabilities as eager } from './capabilities.js';

type Capabilities = typeof eager;

export const capabilities: Capabilities = {
  agents: () => require('../agents/api.js') as ReturnType<Capabilities['agents']>,
  config: () => require('../config/api.js') as ReturnType<Capabilities['config']>,
  episodes: () => require('../episodes/api.js') as ReturnType<Capabilities['episodes']>,
  events: () => require('../events/api.js') as ReturnType<Capabilities['events']>,
  fixes: () => require('../fixes/api.js') as ReturnType<Capabilities['fixes']>,
  maintenance: () => require('../maintenance/api.js') as ReturnType<Capabilities['maintenance']>,
  context: () => require('../memory/context.js') as ReturnType<Capabilities['context']>,
  embedder: () => require('../memory/embedder.js') as ReturnType<Capabilities['embedder']>,
  memories: () => require('../memory/api.js') as ReturnType<Capabilities['memories']>,
  patterns: () => require('../patterns/api.js') as ReturnType<Capabilities['patterns']>,
  picker: () => require('../picker/api.js') as ReturnType<Capabilities['picker']>,
  predict: () => require('../predict/api.js') as ReturnType<Capabilities['predict']>,
  history: () => require('../shell/api.js') as ReturnType<Capabilities['history']>,
  sync: () => require('../sync/api.js') as ReturnType<Capabilities['sync']>,
  users: () => require('../users/api.js') as ReturnType<Capabilities['users']>,
  ingester: () => require('./ingester.js') as ReturnType<Capabilities['ingester']>,
};
