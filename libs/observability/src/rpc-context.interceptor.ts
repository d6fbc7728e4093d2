import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { normaliseRequestId, requestContext } from './request-context.util';

/** Services: run each message handler inside the request id the gateway sent with it. */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const payload = context.switchToRpc().getData<{ meta?: { requestId?: unknown } }>();
    const requestId = normaliseRequestId(payload?.meta?.requestId);
    return new Observable((subscriber) => requestContext.run({ requestId }, () => next.handle().subscribe(subscriber)));
  }
}
