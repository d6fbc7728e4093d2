import { Global, Module } from '@nestjs/common';
import { RpcAuthGuard } from './rpc-auth';
import { TokenVerifier } from './token-verifier';

/** Token verification for any app: needs ConfigModule in the same app. */
@Global()
@Module({ providers: [TokenVerifier, RpcAuthGuard], exports: [TokenVerifier, RpcAuthGuard] })
export class TokenModule {}
