import { CHANGE_FEED_OVERLAP_MS, positionAt, positionTime } from './change-position.util';
import { ChangeEvent, ChangesPage } from './changes.payloads';

/** Any feed read by position: the movie service's changes, the user service's security events, the auth service's revocations. */
interface FeedEvent {
  pos: string;
}

/** Where the events come from: an RPC to the owning service, or that service's own repository. */
export type ChangeSource<E extends FeedEvent = ChangeEvent> = (after: string | undefined, limit: number) => Promise<FeedPage<E>>;

export interface FeedPage<E extends FeedEvent = ChangeEvent> {
  events: E[];
  horizon: ChangesPage['horizon'];
}

interface ChangeFeedReaderOptions<E extends FeedEvent = ChangeEvent> {
  /**
   * How far back each round re-reads: positions are taken by concurrent writers just before their insert, so an
   * event may become visible after a later one. Re-reading this window (and dropping what was delivered) catches it.
   */
  overlapMs?: number;
  pageSize?: number;
  /** Pause between rounds that found nothing new (a timer between polls, never inside a request). */
  idleMs?: number;
  /**
   * Pause after a round that delivered events (a round reads every full page first): during a burst the next
   * round collects the events of this pause in one read instead of one read per event or two (a read is a table
   * scan on FerretDB 1.x).
   */
  busyMs?: number;
  /**
   * Events with the same key are delivered newest-last: one that shows up late, after a newer event of its key
   * was delivered, is dropped. Without a key every event is delivered (consumers are idempotent either way).
   */
  keyOf?: (event: E) => string;
  /**
   * The reader's position is older than the feed keeps (or it has none and `fromStart` is false): the consumer
   * rebuilds its state another way and returns the position to continue from.
   */
  onGap?: (horizon: string) => Promise<string | undefined>;
  onError?: (err: unknown) => void;
}

/**
 * Tails a change feed from a position and hands new events, in position order, to `deliver`; the position
 * advances only after `deliver` succeeded, so a failing consumer sees the same events again (at least once).
 */
export class ChangeFeedReader<E extends FeedEvent = ChangeEvent> {
  private readonly overlapMs: number;
  private readonly pageSize: number;
  private readonly idleMs: number;
  private readonly busyMs: number;
  /** Positions delivered within the overlap window, and the newest position delivered per key. */
  private readonly seen = new Set<string>();
  private readonly newestOfKey = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private round: Promise<number> | null = null;

  constructor(
    private readonly source: ChangeSource<E>,
    private readonly deliver: (events: E[]) => Promise<void>,
    private position: string | undefined,
    private readonly options: ChangeFeedReaderOptions<E> = {},
  ) {
    this.overlapMs = options.overlapMs ?? CHANGE_FEED_OVERLAP_MS;
    this.pageSize = options.pageSize ?? 500;
    this.idleMs = options.idleMs ?? 250;
    this.busyMs = options.busyMs ?? 50;
  }

  /** The newest position delivered (everything before it, minus late arrivals inside the window, too). */
  get current(): string | undefined {
    return this.position;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): Promise<unknown> {
    this.stopped = true;
    clearTimeout(this.timer);
    return this.round ?? Promise.resolve();
  }

  /** One round now (joins the one running): reads until no page is full; returns how many events it delivered. */
  poll(): Promise<number> {
    this.round ??= this.readRound().finally(() => (this.round = null));
    return this.round;
  }

  /** Runs the consumer's resync (`onGap`) now, between rounds, and continues from the position it returns. */
  async resync(): Promise<void> {
    while (this.round) await this.round.catch(() => undefined);
    const run = (async () => {
      await this.gap(positionAt(0));
      return 0;
    })();
    this.round = run.finally(() => (this.round = null));
    await this.round;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.poll().then(
        (n) => this.schedule(n > 0 ? this.busyMs : this.idleMs),
        (err: unknown) => {
          this.options.onError?.(err);
          this.schedule(Math.max(1000, this.idleMs));
        },
      );
    }, ms);
    this.timer.unref?.();
  }

  private async readRound(): Promise<number> {
    let cursor = this.position === undefined ? undefined : positionAt(positionTime(this.position) - this.overlapMs);
    let delivered = 0;
    for (;;) {
      const page = await this.source(cursor, this.pageSize);
      if (this.onGapNeeded(page.horizon)) {
        await this.gap(page.horizon);
        return delivered + 1;
      }
      const fresh = page.events.filter((e) => !this.seen.has(e.pos) && !this.stale(e));
      if (fresh.length) {
        await this.deliver(fresh);
        for (const e of fresh) {
          this.seen.add(e.pos);
          if (this.options.keyOf) this.newestOfKey.set(this.options.keyOf(e), e.pos);
          if (this.position === undefined || e.pos > this.position) this.position = e.pos;
        }
        delivered += fresh.length;
      }
      if (page.events.length < this.pageSize) break;
      cursor = page.events[page.events.length - 1].pos;
    }
    this.forgetOutsideWindow();
    return delivered;
  }

  private async gap(horizon: string): Promise<void> {
    if (!this.options.onGap) throw new Error('This change-feed reader has no onGap to resync with');
    this.position = await this.options.onGap(horizon);
    this.seen.clear();
    this.newestOfKey.clear();
  }

  private onGapNeeded(horizon: string): boolean {
    if (!this.options.onGap) return false;
    return this.position === undefined || this.position < horizon;
  }

  private stale(e: E): boolean {
    if (!this.options.keyOf) return false;
    const newest = this.newestOfKey.get(this.options.keyOf(e));
    return newest !== undefined && newest > e.pos;
  }

  private forgetOutsideWindow(): void {
    if (this.position === undefined) return;
    // Twice the window: a round starts one window back from the position, so older entries can never come again.
    const floor = positionAt(positionTime(this.position) - 2 * this.overlapMs);
    for (const pos of this.seen) if (pos < floor) this.seen.delete(pos);
    for (const [key, pos] of this.newestOfKey) if (pos < floor) this.newestOfKey.delete(key);
  }
}
