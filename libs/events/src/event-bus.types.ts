/**
 * The streams that carry changes between services (docs/services.md, "Events"). The owning service writes the change
 * to its database first; the event follows through an outbox, so the database stays the truth.
 */
export const STREAM_NAMES = ['changes', 'catalog', 'revocations', 'security'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** JetStream's default: a publish with an id seen this recently is the same event (both engines). */
export const DUPLICATE_WINDOW_MS = 120_000;

/** How long each stream keeps its events (the longest a consumer may be away and still catch up without a repair). */
export interface StreamLimits {
  maxAgeMs: number;
  maxMsgs: number;
  /** Events may carry their own time to live (revocations: as long as a token they apply to can live). */
  perMessageTtl?: boolean;
}

export interface BusEvent<T = unknown> {
  /** Position in the stream: consecutive, starting at 1, never reused while the stream lives. */
  seq: number;
  /** The subject within the stream (`rating.changed`, `session`, ...). */
  subject: string;
  data: T;
}

export interface FollowOptions {
  /**
   * A durable consumer: the engine keeps its position (what it acknowledged), so a consumer that stops, crashes or is
   * killed resumes there. Consumers sharing a name share the events (each goes to one of them). Without a name: a
   * consumer of this process only, gone when it stops.
   */
  durable?: string;
  /**
   * Where a consumer that does not exist yet starts: every kept event, only new ones, or a position. A durable that
   * exists resumes where it acknowledged; given a position before that, it starts again there (the consumer's own
   * saved state is older than what it acknowledged).
   */
  from: 'all' | 'new' | number;
  /**
   * `each`: an event is acknowledged once the handler resolved for it (a failing handler sees it again).
   * `manual`: the consumer acknowledges with `ack(seq)` when what it did is stored (everything up to `seq`).
   */
  ack: 'each' | 'manual';
  /**
   * Only this consumer (one instance) uses the durable: when it starts, whatever its previous run was handed and did
   * not acknowledge is delivered again at once (JetStream would otherwise wait for the ack wait).
   */
  exclusive?: boolean;
  /** `manual`: how long the engine waits for the acknowledgement before it delivers the events again. */
  ackWaitMs?: number;
}

export interface Subscription {
  /** The position of the newest event handed to the handler (0: none yet). */
  readonly delivered: number;
  /** `ack: 'manual'`: every event up to `seq` is done with. */
  ack(seq: number): void;
  stop(): Promise<void>;
}

export interface StreamState {
  /** Changes when the stream is created anew (positions start over): a position saved under another epoch means nothing. */
  epoch: string;
  /** The oldest event kept (last + 1 when empty) and the newest position given. */
  first: number;
  last: number;
}

export type EventHandler<T> = (event: BusEvent<T>) => Promise<void> | void;

/** One process: the in-memory engine; split and in containers: NATS JetStream. Same guarantees where both can give them. */
export abstract class EventBus {
  abstract readonly engine: 'memory' | 'jetstream';

  /**
   * Stores the event in the stream and resolves with its position. `id` makes the publish idempotent (an outbox that
   * publishes again after a crash is not a second event, within the engine's duplicate window); `ttlMs` drops it early.
   */
  abstract publish(stream: StreamName, subject: string, data: object, options?: { id?: string; ttlMs?: number }): Promise<number>;

  /** Hands every event of the stream to `handler`, in position order, from where the options say. */
  abstract follow<T>(stream: StreamName, options: FollowOptions, handler: EventHandler<T>): Promise<Subscription>;

  abstract state(stream: StreamName): Promise<StreamState>;

  abstract close(): Promise<void>;
}
