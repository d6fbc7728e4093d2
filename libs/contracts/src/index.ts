export * from './envelope';
export * from './health';
export * from './users';
export * from './auth';
export * from './catalog';
export * from './conditional-read';
export * from './recommendations';
