import type { AppConfig } from '@app/config';

interface Entry {
  failures: number;
  resetAt: number;
}

/** Bounds memory when many names are tried: expired entries are dropped past this size. */
const PRUNE_AT = 10_000;

/**
 * Failed logins per username (lower-cased) in a fixed window. Only failures count, so a
 * user who types the password right is never locked out by their own successful logins.
 */
export class FailedLogins {
  private readonly entries = new Map<string, Entry>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = config.auth.failedLoginLimit;
    this.windowMs = config.auth.failedLoginWindowSec * 1000;
  }

  /** Seconds until this username may try again; 0 when it may now. */
  blockedFor(username: string): number {
    const entry = this.live(username.toLowerCase());
    if (!entry || entry.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - this.now()) / 1000));
  }

  recordFailure(username: string): void {
    const key = username.toLowerCase();
    const entry = this.live(key);
    if (entry) {
      entry.failures++;
      return;
    }
    if (this.entries.size >= PRUNE_AT) this.prune();
    this.entries.set(key, { failures: 1, resetAt: this.now() + this.windowMs });
  }

  reset(username: string): void {
    this.entries.delete(username.toLowerCase());
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.resetAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
  }
}
