import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Events that leave the process (JetStream) carry an HMAC-SHA256 of their stream, subject and data under a key
 * derived from SERVICE_SECRET: anyone who can reach the NATS server can publish, but only our services can publish
 * an event a consumer applies (a forged revocation or rating is dropped). No timestamp or nonce: events are meant to
 * be delivered again (replay after a restart), and applying one twice changes nothing.
 */
export class EventSignature {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (!secret) throw new Error('SERVICE_SECRET is empty');
    this.key = createHmac('sha256', secret).update('events/v1').digest();
  }

  sign(subject: string, body: string): string {
    return this.mac(subject, body).toString('base64url');
  }

  verify(subject: string, body: string, sig: unknown): boolean {
    if (typeof sig !== 'string') return false;
    const given = Buffer.from(sig, 'base64url');
    const expected = this.mac(subject, body);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(subject: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`mev1\n${subject}\n`).update(body).digest();
  }
}
