// Which store a request works on. With users: each user's own store, opened on first use and
// kept open (cached by the user's id: a name removed and added again is a different user, and
// never gets the old store); without (--no-auth, loopback): the home store.
import { openMem, type Mem } from '../core/mem.js';
import type { User } from '../users/api.js';

export class Stores {
  private readonly open = new Map<string, { user: User; mem: Mem }>();

  /** `home` holds the registry (and is the store served with --no-auth). */
  constructor(
    readonly home: Mem,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  forUser(user: User): Mem {
    let entry = this.open.get(user.id);
    if (!entry) {
      entry = { user, mem: openMem({ db: user.store, env: this.env, cwd: this.home.world.cwd, batchReads: true }) };
      this.open.set(user.id, entry);
    }
    entry.mem.world.refresh(); // a store restored under us is reopened
    return entry.mem;
  }

  /** The stores periodic work goes through: every registered user's, or the home store. */
  all(auth: boolean): Mem[] {
    if (!auth) return [this.home];
    return this.home.users.list().map((u) => this.forUser(u));
  }

  /** Closes the stores of users removed since they were opened (their files are gone). */
  sweep(): void {
    const live = new Set(this.home.users.list().map((u) => u.id));
    for (const [id, e] of this.open) {
      if (live.has(id)) continue;
      e.mem.close();
      this.open.delete(id);
    }
  }

  close(): void {
    for (const e of this.open.values()) e.mem.close();
    this.open.clear();
    this.home.close();
  }
}
