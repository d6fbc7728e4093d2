import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { REVOCATION_SOURCE, RevocationFollower, TokenVerifier } from '@app/auth';
import { ResilienceModule } from '@app/resilience';
import { Revocation, RevocationSchema } from '../sessions/revocation.schema';
import { RevocationsHandler } from '../sessions/revocations.handler';
import { RevocationsRepository } from '../sessions/revocations.repository';
import { readRevocations, RevocationsService } from '../sessions/revocations.service';
import { SecurityEventsFollower } from '../sessions/security-events.follower';
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
  controllers: [TokensHandler, RevocationsHandler],
  providers: [
    RefreshTokensRepository,
    TokensService,
    RevocationsRepository,
    RevocationsService,
    SecurityEventsFollower,
    // This service's own verifier reads the revocations straight from its database.
    {
      provide: REVOCATION_SOURCE,
      inject: [RevocationsRepository],
      useFactory: (repo: RevocationsRepository) => readRevocations.bind(null, repo),
    },
    RevocationFollower,
  ],
  // The login pattern, throttled per client, lives in ../logins and issues tokens through this service.
  exports: [TokensService],
})
export class TokensModule {}
