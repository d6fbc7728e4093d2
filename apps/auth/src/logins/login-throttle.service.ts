import type { AppConfig } from '@app/config';

interface Entry {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Bounds memory when many names or addresses are tried: expired entries go first, then the oldest. */
const PRUNE_AT = 10_000;
const HARD_CAP = 100_000;

/**
 * Failed logins, counted where they come from: per client address, and per account and client address together,
 * never per account alone, so failures from one place never stop the owner signing in from another. Past its limit
 * a key waits a delay that doubles with every further failure (base, 2x base, ... up to the window). Only failures
 * count; a success clears its account-and-client key.
 */
export class LoginThrottleService {
  private readonly entries = new Map<string, Entry>();
  private readonly accountLimit: number;
  private readonly clientLimit: number;
  private readonly baseDelayMs: number;
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.accountLimit = config.auth.failedLoginLimit;
    this.clientLimit = config.auth.failedLoginClientLimit;
    this.baseDelayMs = config.auth.failedLoginBaseDelaySec * 1000;
    this.windowMs = config.auth.failedLoginWindowSec * 1000;
  }

  /** Seconds until this account may be tried again from this client; 0 when it may now. */
  blockedFor(username: string, client: string): number {
    const now = this.now();
    const until = Math.max(
      this.live(clientKey(client), now)?.blockedUntil ?? 0,
      this.live(accountKey(username, client), now)?.blockedUntil ?? 0,
    );
    return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : 0;
  }

  recordFailure(username: string, client: string): void {
    const now = this.now();
    this.fail(clientKey(client), this.clientLimit, now);
    this.fail(accountKey(username, client), this.accountLimit, now);
  }

  recordSuccess(username: string, client: string): void {
    this.entries.delete(accountKey(username, client));
  }

  private fail(key: string, limit: number, now: number): void {
    let entry = this.live(key, now);
    if (!entry) {
      if (this.entries.size >= PRUNE_AT) this.prune(now);
      entry = { failures: 0, lastFailureAt: now, blockedUntil: 0 };
      this.entries.set(key, entry);
    }
    entry.failures++;
    entry.lastFailureAt = now;
    if (entry.failures >= limit) {
      const delay = Math.min(this.windowMs, this.baseDelayMs * 2 ** Math.min(30, entry.failures - limit));
      entry.blockedUntil = now + delay;
    }
  }

  /** An entry lasts a window after its last failure, and at least as long as it blocks. */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.lastFailureAt >= this.windowMs && now >= entry.blockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(now: number): void {
    for (const key of [...this.entries.keys()]) this.live(key, now);
    // Still full (addresses rotated on purpose): forget the oldest entries rather than grow without bound.
    for (const key of this.entries.keys()) {
      if (this.entries.size < HARD_CAP) break;
      this.entries.delete(key);
    }
  }
}

const clientKey = (client: string) => `c:${client}`;
const accountKey = (username: string, client: string) => `a:${username.toLowerCase()}\u0000${client}`;
