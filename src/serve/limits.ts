// Memory creation is rate-limited per user: a token bucket of `perMinute` tokens refilled
// continuously, so a burst up to the limit passes and a steady stream gets perMinute a minute.
// Kept in the server's memory: a restart forgives, which a per-minute limit can afford.

export interface Verdict {
  ok: boolean;
  /** Seconds until the request would pass (whole seconds, at least 1), when refused. */
  retryAfter: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes `n` tokens for `key` (a user), or refuses without taking any. A limit of 0 is no limit. */
  take(key: string, n = 1): Verdict {
    if (this.perMinute <= 0) return { ok: true, retryAfter: 0 };
    const now = this.now();
    const rate = this.perMinute / 60_000; // tokens per ms
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (n > this.perMinute) return { ok: false, retryAfter: 60 }; // never fits: the most one minute allows
    if (b.tokens >= n) {
      b.tokens -= n;
      return { ok: true, retryAfter: 0 };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((n - b.tokens) / rate / 1000)) };
  }
}
