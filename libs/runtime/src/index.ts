export * from './app-info.util';
export * from './health.server';
export * from './health.handler';
export * from './service.bootstrap';
export * from './shutdown.util';
export * from './config-or-exit.util';
export * from './service-main.bootstrap';
export * from './in-flight.interceptor';
