export * from './config.schema';
export * from './load-config.util';
export * from './config.module';
