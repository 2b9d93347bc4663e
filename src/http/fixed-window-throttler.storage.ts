import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  /** ms since epoch when the window (and any block) ends. */
  resetsAt: number;
  blockedUntil: number;
}

/**
 * Rate-limit counters in fixed windows: O(1) time and memory per client. The throttler's default storage keeps one
 * timestamp per request for the whole window and scans them (and spreads them into Math.min) on every request, so
 * at a few thousand requests per second its cost grows with the window and dominated the hot route; this one does
 * not. A fixed window lets a client send up to 2 × limit across a window edge, which is fine for abuse protection.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweep: NodeJS.Timeout;

  constructor(sweepIntervalMs = 60_000) {
    this.sweep = setInterval(() => this.evictExpired(Date.now()), sweepIntervalMs);
    this.sweep.unref();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    return Promise.resolve(this.hit(key, ttl, limit, blockDuration, throttlerName));
  }

  /** `increment` without the Promise, for the guard's synchronous path. */
  hit(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = Date.now();
    const id = `${throttlerName}\u0000${key}`;
    let w = this.windows.get(id);
    if (!w || (now >= w.resetsAt && now >= w.blockedUntil)) {
      w = { hits: 0, resetsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, w);
    }
    w.hits++;
    if (w.hits > limit && w.blockedUntil <= now)
      w.blockedUntil = now + (blockDuration > 0 ? blockDuration : w.resetsAt - now);
    const isBlocked = w.blockedUntil > now;
    return {
      totalHits: w.hits,
      timeToExpire: Math.max(0, Math.ceil((w.resetsAt - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((w.blockedUntil - now) / 1000) : 0,
    };
  }

  /** Number of clients with a live window (for tests and metrics). */
  size(): number {
    return this.windows.size;
  }

  evictExpired(now: number): void {
    for (const [id, w] of this.windows) if (now >= w.resetsAt && now >= w.blockedUntil) this.windows.delete(id);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.windows.clear();
  }
}
