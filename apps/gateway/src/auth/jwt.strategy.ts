import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { claimsOrThrow, Principal, principalOf, TokenVerifier, verifyOptions } from '@app/auth';

/** passport-jwt with the shared library's key object and options (HS256 and our issuer only). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(verifier: TokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // jsonwebtoken accepts a KeyObject; the typings only say string | Buffer.
      secretOrKey: verifier.key as unknown as string,
      ignoreExpiration: false,
      ...verifyOptions(verifier.issuer),
    });
  }

  validate(payload: unknown): Principal {
    return principalOf(claimsOrThrow(payload));
  }
}
