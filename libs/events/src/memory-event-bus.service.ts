import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BusEvent, DUPLICATE_WINDOW_MS, EventBus, EventHandler, FollowOptions, StreamLimits, StreamName, StreamState, Subscription } from './event-bus.types';

const RETRY_MS = 1000;

interface Stored extends BusEvent {
  at: number;
  expiresAt: number;
}

class MemoryStream {
  readonly epoch = randomUUID();
  /** Kept events are `events[head..]`, in position order; the dropped prefix is compacted away in batches. */
  private events: Stored[] = [];
  private head = 0;
  /** The earliest per-message expiry among kept events (Infinity: none), so a publish scans nothing until then. */
  private nextExpiry = Infinity;
  last = 0;
  readonly followers = new Set<MemoryFollower>();
  /** Durable consumers' positions: the newest event each acknowledged. */
  readonly acked = new Map<string, number>();
  /** Ids published within the duplicate window, with their positions, oldest first (a Map keeps insertion order). */
  readonly recentIds = new Map<string, { at: number; seq: number }>();

  constructor(readonly limits: StreamLimits) {}

  get first(): number {
    return this.head < this.events.length ? this.events[this.head].seq : this.last + 1;
  }

  push(event: Stored): void {
    this.events.push(event);
    if (event.expiresAt < this.nextExpiry) this.nextExpiry = event.expiresAt;
  }

  /** Drops what retention no longer keeps; costs nothing per publish beyond the events it drops. */
  prune(now: number): void {
    const oldest = now - this.limits.maxAgeMs;
    while (this.head < this.events.length && (this.events[this.head].at < oldest || this.events.length - this.head > this.limits.maxMsgs)) this.head++;
    if (this.limits.perMessageTtl && this.nextExpiry <= now) {
      this.events = this.events.slice(this.head).filter((e) => e.expiresAt > now);
      this.head = 0;
      this.nextExpiry = this.events.reduce((soonest, e) => Math.min(soonest, e.expiresAt), Infinity);
    } else if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
    for (const [id, seen] of this.recentIds) {
      if (seen.at >= now - DUPLICATE_WINDOW_MS) break;
      this.recentIds.delete(id);
    }
  }

  after(seq: number): Stored | undefined {
    // Events are in position order: the first one past `seq`.
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return this.events[lo];
  }
}

/** Delivers one stream to one handler, one event at a time in position order; a failing handler gets the event again. */
class MemoryFollower implements Subscription {
  delivered: number;
  private running = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private idle: Promise<void> = Promise.resolve();
  private settle: () => void = () => undefined;

  constructor(
    private readonly stream: MemoryStream,
    private readonly options: FollowOptions,
    private readonly handler: EventHandler<unknown>,
    private readonly logger: Logger,
  ) {
    const acked = options.durable ? stream.acked.get(options.durable) : undefined;
    const start = options.from === 'all' ? stream.first : options.from === 'new' ? stream.last + 1 : options.from;
    // A durable resumes where it acknowledged, unless the consumer asks for an earlier position (its saved state is older).
    const from = acked === undefined ? start : typeof options.from === 'number' ? Math.min(acked + 1, start) : acked + 1;
    this.delivered = from - 1;
  }

  ack(seq: number): void {
    const name = this.options.durable;
    if (name && seq > (this.stream.acked.get(name) ?? 0)) this.stream.acked.set(name, seq);
  }

  /** Runs the handler over every event not delivered yet; one run at a time. */
  wake(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.idle = new Promise((resolve) => (this.settle = resolve));
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      for (let next = this.stream.after(this.delivered); next && !this.stopped; next = this.stream.after(this.delivered)) {
        await this.handler({ seq: next.seq, subject: next.subject, data: next.data });
        this.delivered = next.seq;
        if (this.options.ack === 'each') this.ack(next.seq);
      }
    } catch (err) {
      this.logger.warn(`a consumer of ${this.options.durable ?? 'this process'} failed (${(err as Error).message}); retrying in ${RETRY_MS} ms`);
      this.timer = setTimeout(() => this.wake(), RETRY_MS);
      this.timer.unref();
    } finally {
      this.running = false;
      this.settle();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stream.followers.delete(this);
    await this.idle;
  }
}

/**
 * The engine of one process (`npm start`): streams live in memory, so they start empty with the process (a new
 * epoch), and consumers that saved a position elsewhere rebuild from their owner's database instead. Everything
 * else behaves as on JetStream: positions, durable consumers, acknowledgements, retention, idempotent publishes.
 * Delivery is asynchronous (never inside the publisher's call) and costs no timer while nothing happens.
 */
export class MemoryEventBus extends EventBus {
  readonly engine = 'memory' as const;
  private readonly logger = new Logger('Events:memory');
  private readonly streams = new Map<StreamName, MemoryStream>();

  constructor(private readonly limits: (stream: StreamName) => StreamLimits) {
    super();
  }

  private stream(name: StreamName): MemoryStream {
    let s = this.streams.get(name);
    if (!s) this.streams.set(name, (s = new MemoryStream(this.limits(name))));
    return s;
  }

  publish(name: StreamName, subject: string, data: object, options: { id?: string; ttlMs?: number } = {}): Promise<number> {
    const s = this.stream(name);
    const now = Date.now();
    s.prune(now);
    const seen = options.id === undefined ? undefined : s.recentIds.get(options.id);
    if (seen) return Promise.resolve(seen.seq);
    // A copy: a publisher that changes its object later changes no event.
    const event: Stored = { seq: ++s.last, subject, data: structuredClone(data), at: now, expiresAt: now + (options.ttlMs ?? Infinity) };
    if (options.id !== undefined) s.recentIds.set(options.id, { at: now, seq: event.seq });
    s.push(event);
    for (const f of s.followers) queueMicrotask(() => f.wake());
    return Promise.resolve(event.seq);
  }

  follow<T>(name: StreamName, options: FollowOptions, handler: EventHandler<T>): Promise<Subscription> {
    const s = this.stream(name);
    s.prune(Date.now());
    const follower = new MemoryFollower(s, options, handler as EventHandler<unknown>, this.logger);
    s.followers.add(follower);
    follower.wake();
    return Promise.resolve(follower);
  }

  state(name: StreamName): Promise<StreamState> {
    const s = this.stream(name);
    s.prune(Date.now());
    return Promise.resolve({ epoch: s.epoch, first: s.first, last: s.last });
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].flatMap((s) => [...s.followers].map((f) => f.stop())));
  }
}
