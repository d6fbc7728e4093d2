import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { RevocationFollower, TokenVerifier } from '@app/auth';
import { ResilienceModule } from '@app/resilience';
import { Revocation, RevocationSchema } from '../sessions/revocation.schema';
import { RevocationsRepository } from '../sessions/revocations.repository';
import { RevocationsService } from '../sessions/revocations.service';
import { RefreshToken, RefreshTokenSchema } from './refresh-token.schema';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokensHandler } from './tokens.handler';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      { name: Revocation.name, schema: RevocationSchema },
    ]),
    ResilienceModule.forServices(['user']),
    // Signs with the verifier's KeyObject, so signing and verifying can never drift apart.
    JwtModule.registerAsync({
      inject: [TokenVerifier],
      useFactory: (verifier: TokenVerifier) => ({ secret: verifier.key as unknown as string }),
    }),
  ],
  controllers: [TokensHandler],
  providers: [
    RefreshTokensRepository,
    TokensService,
    RevocationsRepository,
    RevocationsService,
    // Its own list follows the stream too (revocations stored by the other auth instances).
    RevocationFollower,
  ],
  // The login pattern, throttled per client, lives in ../logins and issues tokens through this service.
  exports: [TokensService],
})
export class TokensModule {}
