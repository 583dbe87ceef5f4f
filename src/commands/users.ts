// mem users add|list|rm: the users of `mem serve`.
import { createInterface } from 'node:readline/promises';
import type { Cli } from '../cli/act.js';
import type { UsersRmOpts } from '../cli/register/server.js';
import { UsageError } from '../errors.js';

export function add({ mem, term }: Cli, _opts: unknown, name: string): void {
  const u = mem.users.add(name);
  if (term.json) return term.outJson({ name: u.name, token: u.token, store: u.store, created_at: u.created_at });
  term.out(u.token);
  term.err(`mem: user ${u.name} added, store ${u.store}\nmem: this token is shown once; the server keeps only its hash. Send it as: Authorization: Bearer <token>`);
}

export function list({ mem, term }: Cli): void {
  const users = mem.users.list().map(({ name, created_at, store }) => ({ name, created_at, store }));
  if (term.json) return term.outJson({ users });
  if (!users.length) return term.out('no users yet: mem users add NAME');
  const w = Math.max(...users.map((u) => u.name.length));
  term.out(users.map((u) => `${u.name.padEnd(w)}  ${u.created_at.slice(0, 19).replace('T', ' ')}  ${u.store}`).join('\n'));
}

export async function rm({ mem, term }: Cli, opts: UsersRmOpts, name: string): Promise<void> {
  const u = mem.users.get(name);
  if (!opts.yes) {
    if (!term.stdinTty || term.json) throw new UsageError(`removing ${name} deletes their store (${u.store}); give --yes to confirm`);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Remove user ${name} and delete their store ${u.store}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) return term.err('mem: nothing removed');
  }
  const r = mem.users.remove(name);
  if (term.json) return term.outJson({ name: r.name, removed: r.removed });
  term.out(`removed user ${r.name}; their token no longer works and their store (${r.removed}) is deleted`);
}
