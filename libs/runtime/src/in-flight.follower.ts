import type { Server } from '@nestjs/microservices';

/**
 * Counts the messages a service is handling so that shutdown can let them finish before the transport closes.
 * It follows the transport server's processing hooks (every request and event, from its arrival until its answer
 * settles), not an interceptor: an interceptor costs Nest a few rxjs streams per message.
 */
export class InFlightTracker {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  /** Counts the server's messages from now on. */
  follow(server: Pick<Server, 'setOnProcessingStartHook' | 'setOnProcessingEndHook'>): void {
    // Nest's hook type says void, but the server awaits what it returns (its default hook returns `done()`): the
    // promise must travel on, or a handler's failure would become an unhandled rejection here.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    server.setOnProcessingStartHook((_transport, _context, done) => {
      this.count++;
      return done();
    });
    server.setOnProcessingEndHook(() => {
      this.count--;
      if (this.count === 0) this.waiters.splice(0).forEach((resolve) => resolve());
    });
  }

  whenIdle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
