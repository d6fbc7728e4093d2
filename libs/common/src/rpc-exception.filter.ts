import { ArgumentsHost, Catch, HttpException, Logger, RpcExceptionFilter } from '@nestjs/common';
import { throwError, Observable } from 'rxjs';
import { isSafeRequestId } from '@app/observability';
import { AppError, RpcErrorPayload } from './app.error';
import { codeForStatus, ErrorCode } from './error-codes.constants';

const DATABASE_DOWN_ERRORS = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

/** The database is away (not a bug in the request): callers get 503 and may retry later. */
function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return DATABASE_DOWN_ERRORS.has(err.name) || /buffering timed out|connection .* closed|ECONNREFUSED/i.test(err.message);
}

/** Every RPC failure leaves a service as `{status, code, message}`; internals stay in the log. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): Observable<RpcErrorPayload> {
    // The request the message belongs to, named in the line (the gateway's x-request-id, sent as meta.requestId).
    const requestId = host.switchToRpc().getData<{ meta?: { requestId?: unknown } } | undefined>()?.meta?.requestId;
    return throwError(() => this.toPayload(exception, isSafeRequestId(requestId) ? requestId : undefined));
  }

  toPayload(exception: unknown, requestId?: string): RpcErrorPayload {
    const line = (msg: string) => (requestId ? { requestId, msg } : msg);
    if (exception instanceof AppError) {
      if (exception.status >= 500) this.logger.error(line(exception.message));
      return exception.toPayload();
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(line(`database unavailable: ${(exception as Error).message}`));
      return { status: 503, code: ErrorCode.DATABASE_UNAVAILABLE, message: 'Database unavailable' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, code: codeForStatus(status), message: status >= 500 ? 'Internal server error' : exception.message };
    }
    this.logger.error(line(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
    return { status: 500, code: ErrorCode.INTERNAL, message: 'Internal server error' };
  }
}
