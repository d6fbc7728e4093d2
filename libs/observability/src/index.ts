export * from './request-context.util';
export * from './logger.util';
export * from './logger.module';
export * from './rpc-context.interceptor';
export * from './request-id.middleware';
export * from './metrics.util';
export * from './log-files.util';
export * from './metrics.server';
