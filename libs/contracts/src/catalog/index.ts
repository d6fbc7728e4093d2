export * from './catalog.patterns';
export * from './catalog.dto';
export * from './catalog.payloads';
