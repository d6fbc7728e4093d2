import { Global, Module } from '@nestjs/common';
import { RevocationListService } from './revocation-list.service';
import { RpcAuthGuard } from './rpc-auth.guard';
import { TokenVerifier } from './token-verifier.service';

/** Token verification for any app: needs ConfigModule in the same app; a RevocationFollower fills the RevocationListService. */
@Global()
@Module({ providers: [TokenVerifier, RpcAuthGuard, RevocationListService], exports: [TokenVerifier, RpcAuthGuard, RevocationListService] })
export class TokenModule {}
