import type { Cli } from '../cli/act.js';
import type { AddMemberOpts, JoinOpts } from '../cli/register/sync.js';

export async function init({ mem, term }: Cli, _opts: unknown, url: string): Promise<void> {
  const r = await mem.sync.teamInit(url);
  if (term.json) return term.outJson(r);
  term.out(r.from_version === r.version ? `hub ${r.url}: schema already at version ${r.version}` : `hub ${r.url}: schema version ${r.from_version} -> ${r.version}`);
  term.out('next: `mem team add-member TEAM` for each member');
}

export async function addMember({ mem, term }: Cli, opts: AddMemberOpts, team: string): Promise<void> {
  const r = await mem.sync.addMember(team, { hub: opts.hub });
  if (term.json) return term.outJson({ url: r.url, password: r.password, team: r.team, role: r.role, team_created: r.team_created });
  term.out(`${r.team_created ? 'created team' : 'team'} ${r.team}; member role ${r.role}`);
  term.out(`url:      ${r.url}`);
  term.out(`password: ${r.password}`);
  term.out(`shown once. On the member's machine: PGPASSWORD='...' mem team join ${r.url} --team ${r.team}`);
}

export async function join({ mem, term }: Cli, opts: JoinOpts, url: string): Promise<void> {
  const r = await mem.sync.join(url, opts.team);
  if (term.json) return term.outJson(r);
  term.out(`joined team ${r.team} at ${r.url} as ${r.role}${r.password_file ? `; password kept in ${r.password_file} (0600)` : ''}`);
  term.out('`mem sync` now pushes and pulls; the background ingester syncs every sync.interval_s');
}
