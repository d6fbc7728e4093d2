export * from './database.module';
export * from './db-health.util';
export * from './duplicate-key.util';
export * from './position-feed.reader';
export * from './find-by-id.util';
