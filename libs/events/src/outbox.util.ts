import { Logger } from '@nestjs/common';

/** Where an owner keeps the events it has not published yet: its own database, beside the change. */
export interface OutboxStore<E> {
  /** Every event still in the outbox, oldest first (after a crash: what was stored but maybe not published). */
  pending(): Promise<E[]>;
  /** Published: they may leave the outbox. */
  remove(events: E[]): Promise<void>;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Drains an owner's outbox to the event bus. The owner stores the change, then the event in its outbox, then calls
 * `publish` before it acknowledges: a crash after the outbox write loses nothing (`drain` at the next start publishes
 * what is left, under the same ids, so the engine drops what it already has). A failed publish leaves the event in
 * the outbox and is retried with backoff by this process; idle, nothing runs.
 */
export class OutboxPublisher<E> {
  private readonly logger: Logger;
  private retrying = new Set<E>();
  private timer?: NodeJS.Timeout;
  private delayMs = RETRY_MIN_MS;
  private removing: E[] = [];
  private removal: Promise<void> | null = null;
  private stopped = false;

  constructor(
    name: string,
    private readonly store: OutboxStore<E>,
    private readonly send: (event: E) => Promise<unknown>,
  ) {
    this.logger = new Logger(`Outbox:${name}`);
  }

  /** Publishes events already in the outbox; resolves when the bus has them (rejects when it could not: retried behind). */
  async publish(events: E[]): Promise<void> {
    const results = await Promise.allSettled(events.map((e) => this.send(e)));
    const failed = events.filter((_, i) => results[i].status === 'rejected');
    this.removeLater(events.filter((_, i) => results[i].status === 'fulfilled'));
    if (failed.length) {
      this.retryLater(failed);
      throw (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    }
  }

  /** At start: whatever a previous run stored and may not have published. */
  async drain(): Promise<number> {
    const left = await this.store.pending();
    if (left.length) {
      this.logger.log(`publishing ${left.length} events left in the outbox`);
      await this.publish(left).catch(() => undefined);
    }
    return left.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.removal?.catch(() => undefined);
  }

  private retryLater(events: E[]): void {
    for (const e of events) this.retrying.add(e);
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = [...this.retrying];
      this.retrying = new Set();
      this.publish(batch).then(
        () => (this.delayMs = RETRY_MIN_MS),
        (err: Error) => {
          this.logger.warn(`publishing ${batch.length} events failed again (${err.message}); retrying in ${this.delayMs} ms`);
          this.delayMs = Math.min(RETRY_MAX_MS, this.delayMs * 2);
        },
      );
    }, this.delayMs);
    this.timer.unref();
  }

  /** Published events leave the outbox in batches, behind the answers (one delete per burst on a one-writer database). */
  private removeLater(events: E[]): void {
    if (!events.length) return;
    this.removing.push(...events);
    this.removal ??= (async () => {
      while (this.removing.length) {
        const batch = this.removing;
        this.removing = [];
        await this.store.remove(batch).catch((err: Error) => this.logger.warn(`removing published events failed: ${err.message}`));
      }
      this.removal = null;
    })();
  }
}
