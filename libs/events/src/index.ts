export * from './event-bus.types';
export * from './event-signature.util';
export * from './memory-event-bus.service';
export * from './jetstream-event-bus.service';
export * from './events.module';
export * from './outbox.util';
export * from './follow-retrying.util';
