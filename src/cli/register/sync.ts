// Team sync: `mem sync` and `mem team init|add-member|join`. pg loads only in these commands.
import { act, pick } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf, Parent } from './types.js';

const sync = (p: Program) =>
  p
    .command('sync')
    .description('push what the team hub lacks and pull what this store lacks (set up with `mem team join`)')
    .option('--status', 'what is waiting, the lag and the last error (asks the hub unless --offline)')
    .option('--offline', 'with --status: do not contact the hub')
    .option('--watch', 'keep following the hub: sync whenever another store pushes or this one changes')
    .option('--quiet', 'print nothing on success (the background ingester runs it so)');
export type SyncOpts = OptsOf<typeof sync>;

const addMember = (p: Parent) =>
  p
    .command('add-member <team>')
    .description('create a login role for one member of TEAM (the team is created with its first member); prints its URL and password once')
    .option('--hub <admin-url>', 'the hub, as its administrator (default: where `mem team init` ran)');
export type AddMemberOpts = OptsOf<typeof addMember>;

const join = (p: Parent) =>
  p
    .command('join <url>')
    .description('PGPASSWORD=... mem team join URL --team TEAM: check the connection, keep the password in a 0600 file, set sync.url and sync.team')
    .requiredOption('--team <team>', 'the team to join');
export type JoinOpts = OptsOf<typeof join>;

export function registerSync(program: Program): void {
  sync(program).action(act(() => import('../../commands/sync.js')));
  const team = program.command('team').description('set up team sync through a PostgreSQL hub');
  const t = () => import('../../commands/team.js');
  team
    .command('init <url>')
    .description('create or migrate the hub schema (as the hub administrator; the password from PGPASSWORD or ~/.pgpass)')
    .action(act(pick(t, 'init')));
  addMember(team).action(act(pick(t, 'addMember')));
  join(team).action(act(pick(t, 'join')));
}
