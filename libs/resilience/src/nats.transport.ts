import { ClientNats, MsPattern, NatsOptions, PacketId, ReadPacket, ServerNats, WritePacket } from '@nestjs/microservices';
import type { Msg, NatsConnection, SubscriptionOptions } from '@nats-io/transport-node';

type NatsTransportOptions = NonNullable<NatsOptions['options']>;
type NatsReplyHandler = ReturnType<ClientNats['createSubscriptionHandler']>;

/**
 * Nest's NATS server, every subject under `subjectPrefix` so that systems sharing one NATS server never answer each
 * other. Handlers are still looked up by the unprefixed pattern, and the deserializer sees it as the channel.
 */
export class PrefixedServerNats extends ServerNats {
  constructor(
    options: NatsTransportOptions,
    private readonly subjectPrefix = '',
  ) {
    super(options);
  }

  /** Nest's own subscriptions (queue groups, graceful shutdown), on the prefixed subjects: its bindEvents only subscribes. */
  override bindEvents(client: NatsConnection): void {
    const prefix = this.subjectPrefix;
    super.bindEvents({ subscribe: (subject: string, opts?: SubscriptionOptions) => client.subscribe(`${prefix}${subject}`, opts) });
  }
}

/** Nobody listens on the subject: the request reached no server, like a refused TCP connection. */
function noResponders(pattern: unknown): Error {
  return Object.assign(new Error(`No responders for ${String(pattern)}`), { code: 'ENORESPONDERS' });
}

/**
 * Nest's NATS client (its wire format, reconnects and status handling), with every subject under `subjectPrefix` and
 * NATS's "no responders" told apart from an empty reply: `neverReachedServer` lets even a write go to another instance.
 * Signing is the `serializer` option's job.
 */
export class PrefixedClientNats extends ClientNats {
  constructor(
    options: NatsTransportOptions,
    private readonly subjectPrefix = '',
  ) {
    super(options);
  }

  protected override normalizePattern(pattern: MsPattern): string {
    return `${this.subjectPrefix}${super.normalizePattern(pattern)}`;
  }

  override createSubscriptionHandler(packet: ReadPacket & PacketId, callback: (packet: WritePacket) => unknown): NatsReplyHandler {
    const handle = super.createSubscriptionHandler(packet, callback);
    return async (error, natsMsg) => {
      const msg = natsMsg as Msg | undefined;
      // The NATS server answers the inbox at once with an empty status 503 message when nothing subscribes to the subject.
      if (!error && msg?.data?.length === 0 && msg.headers?.code === 503) {
        return callback({ err: noResponders(packet.pattern), isDisposed: true });
      }
      return handle(error, natsMsg) as Promise<unknown>;
    };
  }
}
