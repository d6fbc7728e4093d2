import { BaseRpcContext, ClientProxy, MessageHandler, MsPattern, ReadPacket, Server, WritePacket } from '@nestjs/microservices';
import { isObservable } from 'rxjs';
import { trustInProcess } from './service-auth.guard';
import { wireCopy } from './wire-copy.util';

/** What Nest's TCP server answers for a pattern nobody handles; the in-process channel answers the same. */
const NO_MESSAGE_HANDLER = 'There is no matching message handler defined in the remote service.';

/** What the channel needs of a Nest transport server (any of them: the TCP one here). */
type InProcessServer = Pick<Server, 'getHandlerByPattern' | 'handleEvent'>;

/** The transport servers of this process, by the address callers are configured with (`host:port`). */
const servers = new Map<string, InProcessServer>();

const addressOf = (host: string, port: number) => `${host}:${port}`;

/** Nest's run of a message between the server's processing hooks (what every built-in transport dispatches through). */
interface WithProcessingHooks {
  runWithProcessingHooks(context: BaseRpcContext, fn: (runEndHook: () => void) => Promise<void>): Promise<void> | void;
}

/**
 * Handlers by pattern, per server: Nest's lookup first tries the pattern as JSON, and a thrown parse error per call is
 * measurable on the hot path. Handlers are fixed once the server listens; only found ones are kept.
 */
const handlers = new WeakMap<InProcessServer, Map<string, MessageHandler>>();

function handlerOf(server: InProcessServer, pattern: string): MessageHandler | null {
  let known = handlers.get(server);
  if (!known) handlers.set(server, (known = new Map<string, MessageHandler>()));
  let handler = known.get(pattern) ?? null;
  if (!handler) {
    handler = server.getHandlerByPattern(pattern);
    if (handler) known.set(pattern, handler);
  }
  return handler;
}

/** Whether the server at this address runs in this process. */
export function isInProcess(host: string, port: number): boolean {
  return servers.has(addressOf(host, port));
}

/** A service's transport server in this process: callers here configured with its address reach it without a socket. */
export function registerInProcessServer(host: string, port: number, server: InProcessServer): () => void {
  const key = addressOf(host, port);
  servers.set(key, server);
  return () => {
    if (servers.get(key) === server) servers.delete(key);
  };
}

/** A refused connection, as a socket reports it: the resilience client may send the call to another instance. */
function refused(address: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address} (no server in this process)`), { code: 'ECONNREFUSED' });
}

/**
 * A Nest client for a service whose server runs in this process (`npm start`): the packet goes to the server's handler
 * through Nest's own dispatch (the server's guards, pipes, interceptors, filters and processing hooks all run), with no
 * socket, framing or JSON text in between. No per-message credential either: the message never leaves this process's
 * memory, so nobody outside it can forge, change or replay one; code inside the process holds the service secret
 * anyway. A server found at call time, not at construction, so services may start in any order.
 */
export class InProcessClient extends ClientProxy {
  private readonly address: string;

  constructor(host: string, port: number) {
    super();
    this.address = addressOf(host, port);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    // Nothing to close: the server belongs to its service.
  }

  unwrap<T>(): T {
    throw new Error('An in-process client has no underlying connection');
  }

  override on(): void {
    // No connection events.
  }

  /**
   * The call as a promise: what `send()` and a subscription give, without an Observable around it. The last response
   * answers; an error rejects. Nothing to abandon: the handler runs to its end either way, as a socket's server does
   * when its caller gives up (the caller's deadline has answered by then).
   */
  request<T>(pattern: string, data: unknown): Promise<T> {
    let value: T | undefined;
    return this.dispatch(pattern, data, (v) => (value = v as T)).then(() => value as T);
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let disposed = false;
    const respond = (answer: WritePacket) => {
      if (!disposed) callback(answer);
    };
    this.dispatch(packet.pattern as MsPattern, packet.data, (response) => respond({ response })).then(
      () => respond({ isDisposed: true }),
      (err: unknown) => respond({ err, isDisposed: true }),
    );
    return () => {
      disposed = true;
    };
  }

  /**
   * One message through the server's handler (its guards, pipes, interceptors and exception filters) between its
   * processing hooks, as Nest's own transports run it, but without the Observable pipeline they reply through: each
   * response goes to `onValue` as JSON would carry it; the promise settles when the handler's answer has, rejecting
   * with the plain error object a socket would carry.
   */
  private dispatch(rawPattern: MsPattern, rawData: unknown, onValue: (value: unknown) => void): Promise<void> {
    const server = servers.get(this.address);
    if (!server) return Promise.reject(refused(this.address));
    const pattern = this.normalizePattern(rawPattern);
    const handler = handlerOf(server, pattern);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a socket answers: a string
    if (!handler) return Promise.reject(NO_MESSAGE_HANDLER);
    const data: unknown = wireCopy(rawData);
    if (typeof data === 'object' && data !== null) trustInProcess(data);
    const context = new BaseRpcContext([undefined, pattern]);
    return new Promise<void>((resolve, reject) => {
      // RPC errors arrive as plain objects, as over a socket.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      const fail = (err: unknown) => reject(wireCopy(err));
      const ran = (server as unknown as WithProcessingHooks).runWithProcessingHooks(context, async (runEndHook) => {
        try {
          const result: unknown = await handler(data, context);
          if (!isObservable(result)) {
            onValue(wireCopy(result));
            return resolve();
          }
          // An interceptor's stream, or the exception filter's error stream.
          await new Promise<void>((settled) => {
            result.subscribe({
              next: (v) => onValue(wireCopy(v)),
              error: (err: unknown) => {
                fail(err);
                settled();
              },
              complete: () => {
                resolve();
                settled();
              },
            });
          });
        } finally {
          runEndHook();
        }
      });
      Promise.resolve(ran).catch(fail);
    });
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const server = servers.get(this.address);
    if (!server) return Promise.reject(refused(this.address));
    const pattern = this.normalizePattern(packet.pattern as MsPattern);
    const data: unknown = wireCopy(packet.data);
    if (typeof data === 'object' && data !== null) trustInProcess(data);
    return Promise.resolve(server.handleEvent(pattern, { pattern, data }, new BaseRpcContext([undefined, pattern]))) as Promise<T>;
  }
}
