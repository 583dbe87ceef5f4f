// Users of `mem serve`: each has a name, a bearer token (shown once, stored as its sha256) and a
// store of their own (`$MEM_HOME/users/<name>/mem.db`), so one user's memories, fixes and history
// are never in a query another user's request runs. The registry is a small database of its own
// (`$MEM_HOME/server/users.db`, see REGISTRY_MIGRATIONS for why).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from '../core/world.js';
import { REGISTRY_MIGRATIONS } from '../db/migrations.js';
import { openDb, type Db } from '../db/open.js';
import { InputError, MemError, NotFoundError } from '../errors.js';
import { RegistryStore, type UserRow } from './store.js';

export interface User {
  /** Random, new each time a name is added: a store cached under an old id is never reused. */
  id: string;
  name: string;
  created_at: string;
  /** The user's own store. */
  store: string;
}

export interface UsersApi {
  /** Creates a user and their store; the token is returned here and never again. */
  add(name: string): User & { token: string };
  list(): User[];
  get(name: string): User;
  /** Removes the user (their token stops working at once) and deletes their store directory. */
  remove(name: string): User & { removed: string };
  /** The user a bearer token belongs to, or null. */
  authenticate(token: string): User | null;
  close(): void;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function usersApi(world: World): UsersApi {
  let db: Db | undefined;
  let store: RegistryStore | undefined;
  const registry = () => {
    // Created on first use, like a store: directory 0700, file 0600, WAL.
    if (!store) {
      db = openDb(world.paths.registry, { busyTimeoutMs: world.config.get<number>('store.busy_timeout_ms'), schema: REGISTRY_MIGRATIONS });
      store = new RegistryStore(db);
    }
    return store;
  };
  const dirOf = (name: string) => join(world.paths.users, name);
  const user = (r: UserRow): User => ({ id: r.id, name: r.name, created_at: new Date(r.created_at).toISOString(), store: join(dirOf(r.name), 'mem.db') });
  const checkName = (name: string) => {
    if (!NAME.test(name)) throw new InputError('must be 1-32 characters: lower-case letters, digits, - and _, starting with a letter or digit', undefined, 'name');
    return name;
  };
  return {
    add(name) {
      checkName(name);
      const reg = registry();
      if (reg.get(name)) throw new MemError(`user '${name}' exists (\`mem users rm ${name}\` first to give them a new token)`, 1, 'conflict');
      // 32 random bytes: a token that cannot be guessed, so a plain sha256 is enough to store it.
      const token = `mem_${randomBytes(32).toString('base64url')}`;
      const row: UserRow = { id: randomUUID(), name, token_hash: hashToken(token), created_at: world.now() };
      const u = user(row);
      // A store left by an earlier user of this name is theirs, not the new user's.
      rmSync(dirOf(name), { recursive: true, force: true });
      openDb(u.store, { busyTimeoutMs: world.config.get<number>('store.busy_timeout_ms') }).close();
      reg.add(row);
      return { ...u, token };
    },
    list: () => (existsSync(world.paths.registry) ? registry().list().map(user) : []),
    get(name) {
      const r = existsSync(world.paths.registry) ? registry().get(name) : undefined;
      if (!r) throw new NotFoundError(`no user '${name}' (\`mem users list\` shows them)`);
      return user(r);
    },
    remove(name) {
      const r = existsSync(world.paths.registry) ? registry().get(name) : undefined;
      if (!r) throw new NotFoundError(`no user '${name}' (\`mem users list\` shows them)`);
      registry().remove(name); // the token stops working before anything is deleted
      rmSync(dirOf(name), { recursive: true, force: true });
      return { ...user(r), removed: dirOf(name) };
    },
    authenticate(token) {
      if (!token || (!store && !existsSync(world.paths.registry))) return null;
      const r = registry().byTokenHash(hashToken(token));
      return r ? user(r) : null;
    },
    close() {
      db?.close();
      db = undefined;
      store = undefined;
    },
  };
}
