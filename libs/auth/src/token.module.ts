import { Global, Module } from '@nestjs/common';
import { RevocationList } from './revocation-list.service';
import { RpcAuthGuard } from './rpc-auth.guard';
import { TokenVerifier } from './token-verifier.service';

/** Token verification for any app: needs ConfigModule in the same app; a RevocationFollower fills the RevocationList. */
@Global()
@Module({ providers: [TokenVerifier, RpcAuthGuard, RevocationList], exports: [TokenVerifier, RpcAuthGuard, RevocationList] })
export class TokenModule {}
