import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { Observable } from 'rxjs';
import { normaliseRequestId, requestContextCarried, runInRequestContext } from './request-context.util';
import { contextFromTraceParent, endSpan, SpanKind, startSpan, tracingOn, withActiveSpan } from './tracing.util';

interface Meta {
  requestId?: unknown;
  traceparent?: unknown;
}

/** The handler's message pattern (`catalog.movies.get`), as its decorator declared it. */
function patternOf(context: ExecutionContext): string {
  const declared = Reflect.getMetadata(PATTERN_METADATA, context.getHandler()) as unknown[] | undefined;
  const first = declared?.[0];
  return typeof first === 'string' ? first : `${context.getClass().name}.${context.getHandler().name}`;
}

/**
 * Services: run each message handler inside the request id the gateway sent with it; with tracing on, inside a
 * server span too, child of the caller's span (the `traceparent` the signed message carried), so that the
 * handler's database commands and onward calls are its children.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  constructor(private readonly service = '') {}

  /**
   * Whether this process has anything to carry (a request context, or tracing). Where not, the handler reads its
   * request id from the message (meta.requestId) where it needs one, and the interceptor need not be installed: each
   * interceptor costs Nest a few rxjs streams per message.
   */
  static needed(): boolean {
    return tracingOn() || requestContextCarried();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!RpcContextInterceptor.needed()) return next.handle();
    const traced = tracingOn();
    const meta = context.switchToRpc().getData<{ meta?: Meta }>()?.meta;
    const requestId = normaliseRequestId(meta?.requestId);
    if (!traced) return new Observable((subscriber) => runInRequestContext(requestId, () => next.handle().subscribe(subscriber)));
    const pattern = patternOf(context);
    const span = startSpan(
      pattern,
      SpanKind.SERVER,
      { 'rpc.system': 'nestjs', 'rpc.service': this.service, 'rpc.method': pattern },
      contextFromTraceParent(meta?.traceparent),
    );
    return new Observable((subscriber) =>
      runInRequestContext(requestId, () =>
        withActiveSpan(span, () =>
          next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (err: unknown) => {
              endSpan(span, err);
              subscriber.error(err);
            },
            complete: () => {
              endSpan(span);
              subscriber.complete();
            },
          }),
        ),
      ),
    );
  }
}
