// The two reference predictors the evaluation reports next to ours, computed on the same
// positions: `mfu`, the most frequent lines so far, and `markov1_mfu`, first-order transition
// counts from the previous line backed off to most-frequent to fill k. They work on whatever key
// the granularity scores (whole lines, or command names as their own alphabet), break ties by
// recency, and reproduce the reference figures of the shared histories' README.
import { TopN } from './top-n.js';

interface Count {
  key: string;
  count: number;
  last: number;
}

const before = (a: Count, b: Count): boolean => a.count > b.count || (a.count === b.count && a.last > b.last);

export class Baselines {
  private readonly counts = new Map<string, Count>();
  private readonly top: TopN<Count>;
  private readonly next = new Map<string, Map<string, Count>>();
  private prev: string | undefined;
  private seq = 0;

  constructor(private readonly k: number) {
    // Backing off needs at most k lines beyond the k transitions already shown.
    this.top = new TopN<Count>(2 * k, before);
  }

  mfu(): string[] {
    return this.top.top(this.k).map((c) => c.key);
  }

  markov1(): string[] {
    const out: string[] = [];
    const succ = this.prev === undefined ? undefined : this.next.get(this.prev);
    if (succ) out.push(...[...succ.values()].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)).slice(0, this.k).map((c) => c.key));
    for (const c of this.top.top(2 * this.k)) {
      if (out.length >= this.k) break;
      if (!out.includes(c.key)) out.push(c.key);
    }
    return out;
  }

  learn(key: string): void {
    const seq = this.seq++;
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { key, count: 0, last: -1 }));
    c.count++;
    c.last = seq;
    this.top.touch(c);
    if (this.prev !== undefined) {
      let m = this.next.get(this.prev);
      if (!m) this.next.set(this.prev, (m = new Map<string, Count>()));
      let t = m.get(key);
      if (!t) m.set(key, (t = { key, count: 0, last: -1 }));
      t.count++;
      t.last = seq;
    }
    this.prev = key;
  }
}
