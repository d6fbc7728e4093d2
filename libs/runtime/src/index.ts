export * from './app-info';
export * from './health-server';
export * from './health.handler';
export * from './service-bootstrap';
export * from './shutdown';
export * from './config-or-exit';
export * from './service-main';
export * from './in-flight';
