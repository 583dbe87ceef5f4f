// The server's user registry: its SQL, over its own small database (REGISTRY_MIGRATIONS).
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';

export interface UserRow {
  id: string;
  name: string;
  token_hash: string;
  created_at: number;
}

export class RegistryStore {
  private byHash: Statement<unknown[]> | undefined;
  constructor(readonly db: Db) {}

  add(u: UserRow): void {
    this.db.prepare('INSERT INTO users (id, name, token_hash, created_at) VALUES (@id, @name, @token_hash, @created_at)').run(u);
  }

  get(name: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
  }

  list(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY name').all() as UserRow[];
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
  }

  /** The user a token hash belongs to (every authenticated request asks: prepared once). */
  byTokenHash(hash: string): UserRow | undefined {
    this.byHash ??= this.db.prepare('SELECT * FROM users WHERE token_hash = ?');
    return this.byHash.get(hash) as UserRow | undefined;
  }
}
