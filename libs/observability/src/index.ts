export * from './request-context';
export * from './logger';
export * from './logger.module';
export * from './rpc-context.interceptor';
export * from './request-id.middleware';
export * from './metrics';
export * from './log-files';
export * from './metrics-server';
