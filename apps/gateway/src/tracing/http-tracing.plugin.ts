import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { bindRequestSpan, requestSpan, SpanKind, startSpan, tracingOn, withActiveSpan } from '@app/observability';

const UNTRACED = /^\/(health|metrics|dashboard|docs)([/?-]|$)/;

/** Runs the route handler with the request's span active: the RPC calls it makes are the span's children. */
class HttpSpanInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const span = requestSpan(context.switchToHttp().getRequest<FastifyRequest>().raw);
    if (!span) return next.handle();
    return new Observable((subscriber) => withActiveSpan(span, () => next.handle().subscribe(subscriber)));
  }
}

/**
 * With tracing on, one server span per HTTP request (named by its route template, never the raw URL), the root of
 * the request's trace: a `traceparent` sent by an outside client is not followed, so no caller can join its spans
 * to ours or choose our trace ids. Off, nothing is registered.
 */
export function registerHttpTracing(app: NestFastifyApplication): void {
  if (!tracingOn()) return;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Probes, scrapes and static files: no trace (the request log skips probes too).
    if (UNTRACED.test(request.url)) return done();
    const span = startSpan(
      request.method,
      SpanKind.SERVER,
      { 'http.request.method': request.method, 'url.path': request.url.split('?')[0].slice(0, 200), 'mp.request_id': String(request.id) },
      ROOT_CONTEXT,
    );
    // Kept on Node's request, where the reply's log line finds it too.
    if (span) bindRequestSpan(request.raw, span);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = requestSpan(request.raw);
    if (span) {
      const route = request.routeOptions.url;
      span.updateName(`${request.method} ${route ?? 'unmatched'}`);
      if (route) span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  app.useGlobalInterceptors(new HttpSpanInterceptor());
}
