export * from './error-codes';
export * from './app-error';
export * from './validation';
export * from './http-exception.filter';
export * from './rpc-exception.filter';
export * from './pagination';
export * from './object-id';
export * from './body-depth';
