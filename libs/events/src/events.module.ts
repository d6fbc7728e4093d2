import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { natsTlsOptions } from '@app/resilience';
import { EventBus, StreamLimits, StreamName } from './event-bus.types';
import { JetStreamEventBus } from './jetstream-event-bus.service';
import { MemoryEventBus } from './memory-event-bus.service';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** What each stream keeps (docs/services.md, "Events"). */
export function streamLimits(config: AppConfig): (stream: StreamName) => StreamLimits {
  const refreshMs = config.jwt.refreshTtlDays * DAY_MS;
  const limits: Record<StreamName, StreamLimits> = {
    // A recommendation instance away for longer than this repairs its ratings copy from the movie service.
    changes: { maxAgeMs: 15 * MINUTE_MS, maxMsgs: 1_000_000 },
    // Only the position matters to the catalog caches (a write somewhere moved it).
    catalog: { maxAgeMs: 10 * MINUTE_MS, maxMsgs: 100_000 },
    // Each revocation as long as a token it applies to can live; a verifier that starts reads them all.
    revocations: { maxAgeMs: refreshMs, maxMsgs: 1_000_000, perMessageTtl: true },
    // As long as a refresh token lives, so an auth service away that long still learns of every change that matters.
    security: { maxAgeMs: refreshMs, maxMsgs: 1_000_000 },
  };
  return (stream) => limits[stream];
}

/** Every app of one process shares one in-memory engine (npm start). */
let processBus: MemoryEventBus | undefined;

/**
 * EVENTS_ENGINE: `jetstream` (on NATS_URL) wherever apps run in processes of their own (split, containers, an app
 * started alone); `npm start` and `npm run seed` turn `auto` into `memory`, since every producer and consumer is in them.
 */
export function eventBusFor(config: AppConfig): EventBus {
  if (config.events.engine === 'memory') return (processBus ??= new MemoryEventBus(streamLimits(config)));
  return new JetStreamEventBus({
    connection: { servers: [config.nats.url], name: `events-${process.pid}`, ...natsTlsOptions(config) },
    subjectPrefix: config.nats.subjectPrefix,
    secret: config.serviceAuth.secret,
    limits: streamLimits(config),
  });
}

@Injectable()
class EventBusCloser implements OnApplicationShutdown {
  constructor(private readonly bus: EventBus) {}

  async onApplicationShutdown(): Promise<void> {
    // The shared in-memory engine outlives one app of the process; each consumer stops its own subscription.
    if (this.bus.engine === 'jetstream') await this.bus.close();
  }
}

/** The app's EventBus (one per app, or the process's in-memory one). */
@Global()
@Module({})
export class EventsModule {
  static forRoot(): DynamicModule {
    return {
      module: EventsModule,
      providers: [{ provide: EventBus, inject: [APP_CONFIG], useFactory: eventBusFor }, EventBusCloser],
      exports: [EventBus],
    };
  }
}
