import { Logger } from '@nestjs/common';
import { ClientProxy, MsPattern, NatsOptions, ReadPacket, ServerNats, WritePacket } from '@nestjs/microservices';
import * as nats from 'nats';
import { ServiceCredential, signPacket } from './service-auth.guard';

/**
 * Nest 12's NATS transport loads `@nats-io/transport-node` (nats.js v3); the project ships `nats` (v2), whose
 * connect/subscribe/publish/respond API is the same for what Nest uses. The server keeps Nest's implementation
 * (queue groups, serializers) and is only handed the v2 package.
 */
export class NatsServer extends ServerNats {
  constructor(
    private readonly natsOptions: NonNullable<NatsOptions['options']>,
    /** Prepended to every subject, so that systems sharing one NATS server never answer each other. */
    private readonly subjectPrefix = '',
  ) {
    super(natsOptions);
  }

  override bindEvents(client: nats.NatsConnection): void {
    for (const channel of this.messageHandlers.keys()) {
      const handler = this.getMessageHandler(channel).bind(this) as unknown as (err: nats.NatsError | null, msg: nats.Msg) => void;
      client.subscribe(`${this.subjectPrefix}${channel}`, { queue: this.natsOptions.queue, callback: handler });
    }
  }

  protected override loadPackage<T = unknown>(name: string, ctx: string, loader?: () => T): T | Promise<T> {
    return name === '@nats-io/transport-node' ? (nats as unknown as T) : super.loadPackage(name, ctx, loader);
  }
}

/** Nobody listens on the subject: the request reached no server, like a refused TCP connection. */
function noResponders(pattern: unknown): Error {
  return Object.assign(new Error(`No responders for ${String(pattern)}`), { code: 'ENORESPONDERS' });
}

interface NatsReply {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/** Request/reply over NATS with the wire format of Nest's ClientNats (`{id, pattern, data}` out, `{id, response, err, isDisposed}` back). */
export class NatsClient extends ClientProxy {
  private readonly logger = new Logger('NatsClient');
  private connection: nats.NatsConnection | null = null;
  private connecting: Promise<nats.NatsConnection> | null = null;

  constructor(
    private readonly servers: string[],
    private readonly subjectPrefix = '',
    /** `credential` signs every message (the services refuse unsigned ones); `tls` for a NATS server that requires it. */
    private readonly options: { credential?: ServiceCredential; tls?: nats.TlsOptions } = {},
  ) {
    super();
  }

  private encode(packet: ReadPacket & { id?: string }): string {
    const { credential } = this.options;
    return JSON.stringify(credential ? signPacket(credential, packet) : packet);
  }

  connect(): Promise<nats.NatsConnection> {
    this.connecting ??= nats
      .connect({ servers: this.servers, name: 'movie-platform-client', ...(this.options.tls ? { tls: this.options.tls } : {}) })
      .then((connection) => {
        this.connection = connection;
        // The v2 client reconnects by itself; once it gives up, the next call starts over.
        void connection.closed().then(() => {
          if (this.connection === connection) {
            this.connection = null;
            this.connecting = null;
          }
        });
        return connection;
      })
      .catch((err: unknown) => {
        this.connecting = null;
        throw err;
      });
    return this.connecting;
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.connecting = null;
    await connection?.close().catch((err: Error) => this.logger.warn(`closing NATS: ${err.message}`));
  }

  unwrap<T>(): T {
    if (!this.connection) throw new Error('Not connected: call connect() first');
    return this.connection as T;
  }

  protected publish(partial: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const packet = this.assignPacketId(partial);
    try {
      const connection = this.unwrap<nats.NatsConnection>();
      const inbox = nats.createInbox();
      const subscription = connection.subscribe(inbox, {
        callback: (error, msg) => {
          if (error) return callback({ err: error, isDisposed: true });
          // The NATS server answers at once with status 503 when nothing subscribes to the subject.
          if (msg.headers?.code === 503) return callback({ err: noResponders(packet.pattern), isDisposed: true });
          if (msg.data.length === 0) return callback({ err: new Error(`Empty response for ${packet.pattern}`), isDisposed: true });
          const reply = msg.json<NatsReply>();
          if (reply.id !== undefined && reply.id !== packet.id) return;
          callback({ err: reply.err, response: reply.response, isDisposed: reply.isDisposed || reply.err !== undefined });
        },
      });
      connection.publish(`${this.subjectPrefix}${this.normalizePattern(packet.pattern as MsPattern)}`, this.encode(packet), {
        reply: inbox,
      });
      return () => subscription.unsubscribe();
    } catch (err) {
      callback({ err, isDisposed: true });
      return () => undefined;
    }
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    const connection = await this.connect();
    connection.publish(`${this.subjectPrefix}${this.normalizePattern(packet.pattern as MsPattern)}`, this.encode(packet));
    return undefined as T;
  }
}
