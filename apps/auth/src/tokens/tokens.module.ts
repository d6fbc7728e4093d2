import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { TokenVerifier } from '@app/auth';
import { ResilienceModule } from '@app/resilience';
import { RefreshToken, RefreshTokenSchema } from './refresh-token.schema';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokensHandler } from './tokens.handler';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: RefreshToken.name, schema: RefreshTokenSchema }]),
    ResilienceModule.forServices(['user']),
    // Signs with the verifier's KeyObject, so signing and verifying can never drift apart.
    JwtModule.registerAsync({
      inject: [TokenVerifier],
      useFactory: (verifier: TokenVerifier) => ({ secret: verifier.key as unknown as string }),
    }),
  ],
  controllers: [TokensHandler],
  providers: [RefreshTokensRepository, TokensService],
  exports: [TokensService],
})
export class TokensModule {}
