export * from './envelope';
export * from './health';
export * from './catalog';
export * from './recommendations';
