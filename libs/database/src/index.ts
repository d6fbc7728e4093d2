export * from './embedded-db';
export * from './ports';
export * from './database.module';
export * from './db-health';
export * from './nats-server';
export { defaultCacheDir, ensureCachedBinary, goEnv, hasGo, run } from './go-binary';
export * from './position-feed';
