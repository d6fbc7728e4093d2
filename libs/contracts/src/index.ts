export * from './envelope';
export * from './health';
export * from './users';
export * from './auth';
export * from './catalog';
export * from './recommendations';
export * from './changes';
export * from './change-feed.reader';
