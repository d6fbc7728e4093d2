export * from './claims.types';
export * from './token-verifier.service';
export * from './rpc-auth.guard';
export * from './token.module';
export * from './revocation-list.service';
export * from './revocation.follower';
export * from './revocation.util';
