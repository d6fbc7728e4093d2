import { Global, Inject, Module } from '@nestjs/common';
import { SERVICE_NAMES, ServiceName } from '@app/config';
import { ResilienceModule, ServiceClient, ServiceRegistry } from '@app/resilience';

/** The injection token of a service's client: `MOVIE_SERVICE` and so on. */
export const serviceToken = (name: ServiceName): string => `${name.toUpperCase()}_SERVICE`;

/**
 * The one way the gateway calls a service (as in Nest's microservices sample): a named client, injected.
 * `@InjectService('movie') private readonly movies: ServiceClient`. Each is the registry's resilient client
 * for that service (breakers, bulkheads, timeouts, retries of reads, balancing over its instances).
 */
export const InjectService = (name: ServiceName): ParameterDecorator => Inject(serviceToken(name));

@Global()
@Module({
  imports: [ResilienceModule.forServices(SERVICE_NAMES)],
  providers: SERVICE_NAMES.map((name) => ({
    provide: serviceToken(name),
    inject: [ServiceRegistry],
    useFactory: (registry: ServiceRegistry): ServiceClient => registry.client(name),
  })),
  exports: [ResilienceModule, ...SERVICE_NAMES.map(serviceToken)],
})
export class ServiceClientsModule {}
