import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Principal, principalOf, TokenVerifier, verifyOptions } from '@app/auth';

/** passport-jwt with the shared library's key object and options (HS256 and our issuer only). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(private readonly verifier: TokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // jsonwebtoken accepts a KeyObject; the typings only say string | Buffer.
      secretOrKey: verifier.key as unknown as string,
      ignoreExpiration: false,
      ...verifyOptions(verifier.issuer),
    });
  }

  /** Ended sessions are refused and changed roles applied here too (an in-memory lookup). */
  validate(payload: unknown): Principal {
    return principalOf(this.verifier.accept(payload));
  }
}
