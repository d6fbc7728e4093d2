import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { finalize, Observable } from 'rxjs';

/** Counts the messages a service is handling so that shutdown can let them finish before the transport closes. */
@Injectable()
export class InFlightTracker implements NestInterceptor {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.count++;
    return next.handle().pipe(
      finalize(() => {
        this.count--;
        if (this.count === 0) this.waiters.splice(0).forEach((resolve) => resolve());
      }),
    );
  }

  whenIdle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
