// An exact top-N of items whose sort keys only ever grow, and only when the item is touched
// (counts, last-seen positions, log-domain decay keys). An item outside the top can only enter
// it when it is touched, which is exactly when `touch` is called, so the list stays exact with
// O(N) work per update and no rescans: the in-memory counterpart of an index on that key.

export class TopN<T> {
  private readonly items: T[] = [];

  /** `before(a, b)` is true when `a` ranks strictly ahead of `b`. */
  constructor(
    private readonly capacity: number,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  /** Call after the item's key has grown. */
  touch(item: T): void {
    const items = this.items;
    // A linear search beats a Set here: N is small and most lists hold a few items.
    let i = items.indexOf(item);
    if (i < 0) {
      if (items.length < this.capacity) i = items.push(item) - 1;
      else if (this.before(item, items[items.length - 1]!)) i = items.length - 1;
      else return;
    }
    // Bubble towards the front: keys only grow, so the item only moves up.
    while (i > 0 && this.before(item, items[i - 1]!)) {
      items[i] = items[i - 1]!;
      i--;
    }
    items[i] = item;
  }

  top(limit: number): T[] {
    return this.items.slice(0, limit);
  }

  get size(): number {
    return this.items.length;
  }

  /** Largest `limit` that `top` answers exactly. */
  get capacityLimit(): number {
    return this.capacity;
  }
}
