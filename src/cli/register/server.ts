// The HTTP server and what goes with it: its users, and the events it streams (also readable here).
import { act, pick } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf } from './types.js';

const serve = (p: Program) =>
  p
    .command('serve')
    .description('serve the HTTP API (JSON, OpenAPI at /openapi.json, docs at /docs) on 127.0.0.1 unless told otherwise')
    .option('--host <host>', 'address to listen on (default: config serve.host, 127.0.0.1)')
    .option('--port <port>', 'port, 0 for any free one (default: config serve.port, 8002)')
    .option('--no-auth', 'no tokens: serve the home store to whoever reaches this loopback address (one person’s local use)')
    .option('--rate-limit <n>', 'memories each user may create per minute, 0 for no limit (default: config serve.rate_limit, 100)');
export type ServeOpts = OptsOf<typeof serve>;

const users = (p: Program) => p.command('users').description('users of `mem serve`: each has a token and a store of their own');
const usersRm = (p: ReturnType<typeof users>) =>
  p.command('rm <name>').description('remove a user: their token stops working and their store is deleted').option('-y, --yes', 'do not ask for confirmation');
export type UsersRmOpts = OptsOf<typeof usersRm>;

const events = (p: Program) =>
  p
    .command('events')
    .description('what was written to the store (memory.stored, fix.recorded, command.ingested, ...), by any process')
    .option('--follow', 'keep printing new events as they are written (Ctrl-C stops)')
    .option('--type <types>', 'only these types (comma-separated)')
    .option('--after <id>', 'only events after this id')
    .option('-n, --limit <n>', 'without --follow: the newest N', '20');
export type EventsOpts = OptsOf<typeof events>;

export function registerServer(program: Program): void {
  // The HTTP stack (fastify and its plugins) loads inside the command, never at start-up.
  serve(program).action(act(() => import('../../commands/serve.js')));
  const u = users(program);
  const c = () => import('../../commands/users.js');
  u.command('add <name>').description('create a user and their store; prints their token, once').action(act(pick(c, 'add')));
  u.command('list').description('users, with where their store is').action(act(pick(c, 'list')));
  usersRm(u).action(act(pick(c, 'rm')));
  events(program).action(act(() => import('../../commands/events.js')));
}
