// mem as a library: the same core API the CLI, the MCP server and the HTTP server use.
//
//   import { openMem } from 'mem-cli';
//   const mem = openMem();                       // the home store, or openMem({ db: 'x.db' })
//   mem.fixes.record({ model: 'llama3:8b', issue_type: 'TIMEOUT', fix_success: true });
//   const ctx = mem.fixes.context({ model: 'llama3:8b', issue_type: 'TIMEOUT' });
//   mem.close();
export { openMem, type Mem, type MemOptions, type Overview } from './core/mem.js';
export type { World, WorldOptions } from './core/world.js';
export type { Paths } from './core/paths.js';
export type { Check } from './core/check.js';
export { InputError, MemError, NotFoundError, UsageError } from './errors.js';
export type * from './fixes/api.js';
export type * from './shell/api.js';
export type * from './predict/api.js';
export type * from './memory/api.js';
export type * from './episodes/api.js';
export type * from './patterns/api.js';
export type * from './maintenance/api.js';
export type * from './config/api.js';
export type * from './events/api.js';
export type * from './users/api.js';
