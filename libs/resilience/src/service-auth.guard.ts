import { createHmac, createSecretKey, KeyObject, randomUUID, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { IncomingRequest, IncomingRequestDeserializer, Serializer } from '@nestjs/microservices';
import { AppError, ErrorCode } from '@app/common';
import { counter } from '@app/observability';

/**
 * Every message between services carries a short-lived HMAC-SHA256 credential over the deployment's SERVICE_SECRET:
 * `{v, ts, nonce, sig}` beside the packet's pattern and data, with `sig = HMAC(secret, "msv1\n" pattern \n ts \n nonce \n data)`.
 * It binds the message to its pattern and body, expires after the skew window, and a nonce is accepted once. Why HMAC
 * and not only mutual TLS: it holds the same way over Nest TCP and NATS (where TLS ends at the NATS server, and any
 * NATS client could otherwise publish to a service's subject), costs a few microseconds per message, and needs one
 * secret per deployment instead of a PKI; TLS (SERVICE_TLS_*) adds encryption on top where the network is shared.
 */
interface MessageAuth {
  v: 1;
  /** Sender's clock, ms since the epoch. */
  ts: number;
  nonce: string;
  /** base64url HMAC-SHA256. */
  sig: string;
}

type Refusal = 'missing' | 'malformed' | 'expired' | 'replayed' | 'bad-signature';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SIG_BYTES = 32;

/** Nonces seen in the last two to three windows: generations of one window each, dropped whole (no per-entry timers). */
class ReplayGuard {
  private generations: Set<string>[] = [new Set(), new Set(), new Set()];
  private rotatedAt: number;

  constructor(
    private readonly windowMs: number,
    now: number,
  ) {
    this.rotatedAt = now;
  }

  /** True the first time a nonce is offered within the memory span (at least twice the accepted clock skew). */
  firstUse(nonce: string, now: number): boolean {
    while (now - this.rotatedAt >= this.windowMs) {
      this.generations = [new Set(), this.generations[0], this.generations[1]];
      this.rotatedAt += this.windowMs;
      if (now - this.rotatedAt > 3 * this.windowMs) this.rotatedAt = now; // after a long idle: start afresh
    }
    if (this.generations.some((g) => g.has(nonce))) return false;
    this.generations[0].add(nonce);
    return true;
  }
}

/** Signs outgoing messages and checks incoming ones with the deployment's service secret. */
export class ServiceCredential {
  private readonly key: KeyObject;
  private readonly replays: ReplayGuard;

  constructor(
    secret: string,
    /** A message whose timestamp is further than this from the receiver's clock is refused. */
    readonly maxSkewMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!secret) throw new Error('SERVICE_SECRET is empty');
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
    this.replays = new ReplayGuard(maxSkewMs, now());
  }

  sign(pattern: string, data: unknown): MessageAuth {
    const ts = this.now();
    const nonce = randomUUID();
    return { v: 1, ts, nonce, sig: this.mac(pattern, ts, nonce, data).toString('base64url') };
  }

  /** Undefined when the message is authentic, fresh and new; otherwise why not. */
  verify(pattern: string, data: unknown, auth: unknown): Refusal | undefined {
    if (auth === undefined || auth === null) return 'missing';
    const a = auth as Partial<MessageAuth>;
    if (a.v !== 1 || typeof a.ts !== 'number' || typeof a.nonce !== 'string' || typeof a.sig !== 'string' || !NONCE.test(a.nonce)) {
      return 'malformed';
    }
    const given = Buffer.from(a.sig, 'base64url');
    if (given.length !== SIG_BYTES || !timingSafeEqual(given, this.mac(pattern, a.ts, a.nonce, data))) return 'bad-signature';
    const now = this.now();
    if (Math.abs(now - a.ts) > this.maxSkewMs) return 'expired';
    // Only authentic messages reach the nonce memory, so a flood of forged ones cannot fill it.
    if (!this.replays.firstUse(a.nonce, now)) return 'replayed';
    return undefined;
  }

  private mac(pattern: string, ts: number, nonce: string, data: unknown): Buffer {
    return createHmac('sha256', this.key)
      .update(`msv1\n${pattern}\n${ts}\n${nonce}\n`)
      .update(JSON.stringify(data) ?? '')
      .digest();
  }
}

/** The wire shape of a Nest request or event packet, as the transports hand it to (de)serializers. */
interface Packet {
  pattern?: unknown;
  data?: unknown;
  id?: string;
  auth?: unknown;
}

function patternKey(pattern: unknown): string {
  return typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
}

/**
 * Client side, as a Nest client's `serializer`: adds the credential to each packet, then hands it to the transport's
 * own serializer when it has one (NATS: Nest's NatsRecordSerializer, which writes the signed packet as JSON).
 */
export class SigningSerializer {
  constructor(
    private readonly credential: ServiceCredential,
    private readonly next?: Serializer<Packet>,
  ) {}

  serialize(packet: Packet): unknown {
    const signed = signPacket(this.credential, packet);
    return this.next ? this.next.serialize(signed) : signed;
  }
}

export function signPacket(credential: ServiceCredential, packet: Packet): Packet {
  return { ...packet, auth: credential.sign(patternKey(packet.pattern), packet.data) };
}

/** Payloads that passed verification, by identity: the guard lets nothing else through (fail closed). */
const verified = new WeakSet<object>();
/** Why a payload was refused, for the guard's answer and log. */
const refused = new WeakMap<object, Refusal>();

/**
 * A message handed over inside this process (the in-process channel of `npm start`): it never crossed a network, so
 * there is no credential to check. Only the in-process client calls this, on the copy it made itself.
 */
export function trustInProcess(data: object): void {
  verified.add(data);
}

const refusals = counter('service_auth_refused_total', 'Messages refused for a missing, invalid, expired or replayed service credential', [
  'reason',
]);

/**
 * Server side: checks the credential before anything else looks at the message, against the pattern the server will
 * dispatch on (the NATS subject's channel, or the TCP packet's pattern). An authentic payload is remembered as
 * verified; any other is replaced by an empty marker the guard refuses, so no handler ever sees its data.
 */
export class VerifyingDeserializer extends IncomingRequestDeserializer {
  constructor(
    private readonly credential: ServiceCredential,
    /** NATS hands over the message itself; TCP the parsed packet. */
    private readonly decode: (value: unknown) => unknown = (value) => value,
  ) {
    super();
  }

  override deserialize(value: unknown, options?: { channel?: string }): IncomingRequest {
    const packet = (this.decode(value) ?? {}) as Packet;
    const pattern = options?.channel ?? patternKey(packet.pattern);
    const data = packet.data;
    let reason = this.credential.verify(pattern, data, packet.auth);
    if (!reason && (typeof data !== 'object' || data === null)) reason = 'malformed';
    if (!reason) {
      verified.add(data as object);
      return { pattern: packet.pattern ?? pattern, data, id: packet.id as string };
    }
    refusals.labels(reason).inc();
    const marker = {};
    refused.set(marker, reason);
    return { pattern: packet.pattern ?? pattern, data: marker, id: packet.id as string };
  }
}

/** Global guard of every service: a message whose payload was not verified by the deserializer gets 401, never a handler. */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly logger = new Logger('ServiceAuth');
  private lastLog = 0;
  private suppressed = 0;

  canActivate(context: ExecutionContext): boolean {
    const data: unknown = context.switchToRpc().getData();
    if (typeof data === 'object' && data !== null && verified.has(data)) return true;
    const reason = (typeof data === 'object' && data !== null && refused.get(data)) || 'missing';
    this.logRefusal(reason);
    throw AppError.unauthorized('Service credential missing, invalid or expired', ErrorCode.SERVICE_UNAUTHENTICATED);
  }

  /** At most one line per 10 s: a flood of forged messages must not flood the log too. */
  private logRefusal(reason: Refusal): void {
    const now = Date.now();
    if (now - this.lastLog < 10_000) {
      this.suppressed++;
      return;
    }
    this.logger.warn(
      `refused a message without a valid service credential (${reason})${this.suppressed ? `; ${this.suppressed} more since the last line` : ''}`,
    );
    this.lastLog = now;
    this.suppressed = 0;
  }
}
