import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '@app/config';

const DAY_MS = 24 * 60 * 60 * 1000;

interface DeviceClaims {
  /** The account, lower-cased: a device token counts only for the account it signed in to. */
  u: string;
  /** The device's id: its own throttle key, apart from its address. */
  d: string;
  /** Issued (ms). */
  t: number;
}

/**
 * Device tokens (OWASP "device cookies"): a client that signed in to an account before proves it on the next login,
 * and its attempts are counted on its own key instead of its address. Failures sent by others from the same address
 * (one NAT, one proxy, or 127.0.0.1 with `npm start`) never hold it back. Signed with a key derived from the JWT
 * secret; they authorise nothing but a throttle key.
 */
export class DeviceTokensService {
  private readonly key: Buffer;
  private readonly lifetimeMs: number;

  constructor(
    config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', config.jwt.secret).update('device-token/v1').digest();
    this.lifetimeMs = config.jwt.refreshTtlDays * DAY_MS;
  }

  /** A token for this account on this device (the same device id when it had one). */
  issue(username: string, deviceId: string = randomUUID()): string {
    const body = Buffer.from(JSON.stringify({ u: username.toLowerCase(), d: deviceId, t: this.now() } satisfies DeviceClaims)).toString(
      'base64url',
    );
    return `${body}.${this.sign(body)}`;
  }

  /** The device id when the token is ours, for this account and not expired; else undefined (treated as no token). */
  deviceOf(token: string | undefined, username: string): string | undefined {
    if (!token) return undefined;
    const [body, sig, extra] = token.split('.');
    if (!body || !sig || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<DeviceClaims>;
      const fresh = typeof claims.t === 'number' && this.now() - claims.t < this.lifetimeMs;
      return fresh && claims.u === username.toLowerCase() && typeof claims.d === 'string' ? claims.d : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
