export * from './claims';
export * from './token-verifier';
export * from './rpc-auth';
export * from './token.module';
export * from './revocation-list';
export * from './revocation-follower';
