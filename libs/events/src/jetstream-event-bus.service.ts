import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  Consumer,
  ConsumerMessages,
  DeliverPolicy,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamClient,
  jetstreamManager,
  JetStreamManager,
  JsMsg,
  StorageType,
  StreamConfig,
} from '@nats-io/jetstream';
import { connect, headers, nanos, NatsConnection, NodeConnectionOptions } from '@nats-io/transport-node';
import { BusEvent, DUPLICATE_WINDOW_MS, EventBus, EventHandler, FollowOptions, StreamLimits, StreamName, StreamState, Subscription } from './event-bus.types';
import { EventSignature } from './event-signature.util';

const SIGNATURE_HEADER = 'Mp-Signature';
const RETRY_MS = 1000;
/** A durable consumer nobody used for this long is removed by the server (an instance that went away for good). */
const DURABLE_INACTIVE_MS = 7 * 24 * 60 * 60 * 1000;

const isApiError = (err: unknown, code: number): boolean => err instanceof JetStreamApiError && err.code === code;

export interface JetStreamBusOptions {
  connection: NodeConnectionOptions;
  /** NATS_SUBJECT_PREFIX: streams and subjects of systems sharing one server stay apart. */
  subjectPrefix: string;
  secret: string;
  limits: (stream: StreamName) => StreamLimits;
}

/** One consumer loop: verifies, hands over in order, acknowledges as the options say; retries a failing handler. */
class JetStreamFollower implements Subscription {
  delivered = 0;
  private messages?: ConsumerMessages;
  private loop: Promise<void> = Promise.resolve();
  private stopped = false;
  /** `manual`: messages handed over and not acknowledged yet, oldest first (acknowledging one covers those before it). */
  private pending: JsMsg[] = [];
  /** Acknowledgements the server has not confirmed yet: `stop()` waits for them (see `confirm`). */
  private acking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: FollowOptions,
    private readonly subjectOf: (subject: string) => string,
    private readonly signature: EventSignature,
    private readonly handler: EventHandler<unknown>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.messages = await this.consumer.consume({ max_messages: 256 });
    this.loop = this.run(this.messages);
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.stopped) break;
      const body = m.string();
      if (!this.signature.verify(m.subject, body, m.headers?.get(SIGNATURE_HEADER))) {
        this.logger.warn(`dropped an event on ${m.subject} without a valid signature`);
        if (this.options.durable) m.term('bad signature');
        continue;
      }
      const event: BusEvent = { seq: m.seq, subject: this.subjectOf(m.subject), data: JSON.parse(body) };
      while (!this.stopped) {
        try {
          await this.handler(event);
          break;
        } catch (err) {
          // In place, so that order holds: an ordered consumer cannot be asked for one event again.
          this.logger.warn(`a consumer of ${m.subject} failed (${(err as Error).message}); retrying in ${RETRY_MS} ms`);
          if (this.options.durable) m.working();
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
      if (this.stopped) break;
      if (m.seq > this.delivered) this.delivered = m.seq;
      if (!this.options.durable) continue;
      if (this.options.ack === 'each') this.confirm(m);
      else this.pending.push(m);
    }
  }

  /**
   * The server applies an acknowledgement after it answered requests sent later (consumer info among them): without
   * waiting for it, a consumer that acknowledged, stopped and started again at once could be handed the acknowledged
   * events again. `ackAck` costs one reply per acknowledgement, never a wait in the loop.
   */
  private confirm(m: JsMsg): void {
    const confirmed = m.ackAck().catch(() => false);
    this.acking = Promise.all([this.acking, confirmed]);
  }

  ack(seq: number): void {
    let newest: JsMsg | undefined;
    while (this.pending.length && this.pending[0].seq <= seq) newest = this.pending.shift();
    if (newest) this.confirm(newest);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close();
    await this.loop.catch(() => undefined);
    await this.acking;
  }
}

/**
 * Split and containers: NATS JetStream, on the NATS server the system already uses. Streams are created (or updated)
 * at first use, on file storage; events are signed (EventSignature); durable consumers keep their position on the
 * server, so a consumer killed with -9 resumes from what it acknowledged. Idle, it costs the client library's pull
 * requests and heartbeats, never a database read.
 */
export class JetStreamEventBus extends EventBus {
  readonly engine = 'jetstream' as const;
  private readonly logger = new Logger('Events:jetstream');
  private readonly signature: EventSignature;
  private readonly connection: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }>;
  private readonly streams = new Map<StreamName, Promise<void>>();
  private readonly followers = new Set<JetStreamFollower>();
  private nc?: NatsConnection;
  private closed = false;

  constructor(private readonly options: JetStreamBusOptions) {
    super();
    this.signature = new EventSignature(options.secret);
    this.connection = connect({ waitOnFirstConnect: true, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, ...options.connection }).then(
      async (nc) => {
        this.nc = nc;
        if (this.closed) await nc.close();
        return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
      },
    );
    this.connection.catch(() => undefined);
  }

  private streamName(stream: StreamName): string {
    return `${this.options.subjectPrefix.replace(/[.*> ]/g, '-')}${stream}`;
  }

  private subjectRoot(stream: StreamName): string {
    return `${this.options.subjectPrefix}events.${stream}.`;
  }

  private ensure(stream: StreamName): Promise<void> {
    let ready = this.streams.get(stream);
    if (!ready) {
      ready = this.create(stream);
      this.streams.set(stream, ready);
      ready.catch(() => this.streams.delete(stream));
    }
    return ready;
  }

  private async create(stream: StreamName): Promise<void> {
    const { jsm } = await this.connection;
    const limits = this.options.limits(stream);
    const config: Partial<StreamConfig> = {
      subjects: [`${this.subjectRoot(stream)}>`],
      storage: StorageType.File,
      max_age: nanos(limits.maxAgeMs),
      max_msgs: limits.maxMsgs,
      duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, limits.maxAgeMs)),
      ...(limits.perMessageTtl ? { allow_msg_ttl: true } : {}),
    };
    const name = this.streamName(stream);
    try {
      await jsm.streams.info(name);
      await jsm.streams.update(name, config);
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
      await jsm.streams.add({ name, ...config });
    }
  }

  async publish(stream: StreamName, subject: string, data: object, options: { id?: string; ttlMs?: number } = {}): Promise<number> {
    await this.ensure(stream);
    const { js } = await this.connection;
    const full = this.subjectRoot(stream) + subject;
    const body = JSON.stringify(data);
    const h = headers();
    h.set(SIGNATURE_HEADER, this.signature.sign(full, body));
    const ack = await js.publish(full, body, {
      headers: h,
      ...(options.id !== undefined ? { msgID: options.id } : {}),
      ...(options.ttlMs !== undefined ? { ttl: `${Math.max(1, Math.ceil(options.ttlMs / 1000))}s` } : {}),
    });
    return ack.seq;
  }

  async follow<T>(stream: StreamName, options: FollowOptions, handler: EventHandler<T>): Promise<Subscription> {
    await this.ensure(stream);
    const { js, jsm } = await this.connection;
    const name = this.streamName(stream);
    const start =
      options.from === 'all'
        ? { deliver_policy: DeliverPolicy.All }
        : options.from === 'new'
          ? { deliver_policy: DeliverPolicy.New }
          : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, options.from) };
    let consumer: Consumer;
    if (options.durable) {
      let exists = true;
      let at = start;
      try {
        const info = await jsm.consumers.info(name, options.durable);
        const resume = info.ack_floor.stream_seq + 1;
        const asked = typeof options.from === 'number' ? options.from : resume;
        // Exclusive: what an earlier run of this consumer was handed and never acknowledged (it was killed) comes
        // again now, not after the ack wait, and its pull requests, which would take new events, are gone with it.
        const inFlight = options.exclusive === true && info.delivered.stream_seq > info.ack_floor.stream_seq;
        if (asked < resume || inFlight) {
          await jsm.consumers.delete(name, options.durable);
          exists = false;
          at = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, Math.min(asked, resume)) };
        }
      } catch (err) {
        if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
        exists = false;
      }
      if (!exists) {
        await jsm.consumers.add(name, {
          durable_name: options.durable,
          ...at,
          ack_policy: options.ack === 'manual' ? AckPolicy.All : AckPolicy.Explicit,
          ack_wait: nanos(options.ackWaitMs ?? 30_000),
          max_ack_pending: options.ack === 'manual' ? -1 : 1000,
          inactive_threshold: nanos(DURABLE_INACTIVE_MS),
        });
      }
      consumer = await js.consumers.get(name, options.durable);
    } else {
      consumer = await js.consumers.get(name, start);
    }
    const root = this.subjectRoot(stream);
    const follower = new JetStreamFollower(consumer, options, (s) => s.slice(root.length), this.signature, handler as EventHandler<unknown>, this.logger);
    await follower.start();
    this.followers.add(follower);
    return {
      get delivered() {
        return follower.delivered;
      },
      ack: (seq) => follower.ack(seq),
      stop: async () => {
        this.followers.delete(follower);
        await follower.stop();
      },
    };
  }

  async state(stream: StreamName): Promise<StreamState> {
    await this.ensure(stream);
    const { jsm } = await this.connection;
    const info = await jsm.streams.info(this.streamName(stream));
    return { epoch: info.created, first: info.state.first_seq, last: info.state.last_seq };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.followers].map((f) => f.stop()));
    // Never connected: nothing to drain (the connection closes itself if it comes up later).
    await this.nc?.drain().catch(() => undefined);
  }
}
