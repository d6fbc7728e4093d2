import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppError } from '@app/common';
import { AccessClaims, principalOf, Principal } from './claims.types';
import { RevocationListService } from './revocation-list.service';

/**
 * A KeyObject, not the string: jsonwebtoken 9 converts a string secret into a key on every
 * verification, which makes HS256 verification about 35 times slower.
 */
function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** Only HS256 with our issuer: `alg: none`, other algorithms, bad signatures, wrong issuers and expired tokens fail. */
export function verifyOptions(issuer: string): { algorithms: jwt.Algorithm[]; issuer: string } {
  return { algorithms: ['HS256'], issuer };
}

/** Claims we rely on must all be present: a signed token without them is still refused. */
function claimsOrThrow(value: unknown): AccessClaims {
  if (!isClaims(value)) throw AppError.unauthorized('Missing or invalid token');
  return value;
}

function isClaims(value: unknown): value is AccessClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.sub === 'string' &&
    typeof c.name === 'string' &&
    typeof c.role === 'string' &&
    typeof c.exp === 'number' &&
    typeof c.jti === 'string'
  );
}

/** Lifetime of the tokens services call each other with. */
export const SERVICE_TOKEN_TTL_SEC = 300;

/** The one place tokens are verified: the gateway's passport strategy and every guarding service use it. */
@Injectable()
export class TokenVerifier {
  private readonly serviceTokens = new Map<string, { token: string; renewAt: number }>();
  readonly key: KeyObject;
  readonly issuer: string;

  readonly revocations: RevocationListService;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Optional() revocations?: RevocationListService) {
    this.key = signingKey(config.jwt.secret);
    this.issuer = config.jwt.issuer;
    this.revocations = revocations ?? new RevocationListService();
  }

  /** Claims of a valid access token, or a 401 AppError. */
  verify(token: unknown): AccessClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw AppError.unauthorized('Missing or invalid token');
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.key, verifyOptions(this.issuer));
    } catch {
      throw AppError.unauthorized('Missing or invalid token');
    }
    return this.accept(decoded);
  }

  /** Claims of a token whose signature was checked (here or by passport-jwt), as they stand after revocations. */
  accept(decoded: unknown): AccessClaims {
    return this.revocations.check(claimsOrThrow(decoded));
  }

  principal(token: unknown): Principal {
    return principalOf(this.verify(token));
  }

  /**
   * The token this process calls other services with as `service`: signed once, renewed when half of its
   * SERVICE_TOKEN_TTL_SEC has passed, so pollers and per-request callers never sign per call and no call carries a
   * token about to lapse.
   */
  serviceToken(service: string): string {
    const now = Date.now();
    const cached = this.serviceTokens.get(service);
    if (cached && now < cached.renewAt) return cached.token;
    const token = this.signServiceToken(service, SERVICE_TOKEN_TTL_SEC);
    this.serviceTokens.set(service, { token, renewAt: now + (SERVICE_TOKEN_TTL_SEC * 1000) / 2 });
    return token;
  }

  /** A short-lived token a service uses to call another service as itself (the original design's service token). */
  signServiceToken(service: string, ttlSec = SERVICE_TOKEN_TTL_SEC): string {
    return jwt.sign({ sub: `service:${service}`, name: service, role: 'service', jti: randomUUID() }, this.key, {
      algorithm: 'HS256',
      issuer: this.issuer,
      expiresIn: ttlSec,
    });
  }
}
