export * from './database.module';
export * from './db-health';
export * from './position-feed';
