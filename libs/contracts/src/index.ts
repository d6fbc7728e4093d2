export * from './envelope';
export * from './health';
export * from './users';
export * from './auth';
