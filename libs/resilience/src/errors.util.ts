import { AppError, ErrorCode, fromRpcErrorPayload, isRpcErrorPayload } from '@app/common';

/**
 * A business answer (4xx) is a normal reply: it never counts against a breaker and is never
 * retried. Everything else (refused or dropped connections, timeouts, 5xx) is a failure.
 */
export function isBusinessError(err: unknown): boolean {
  return isRpcErrorPayload(err) && err.status >= 400 && err.status < 500;
}

/**
 * A fast "my database is away" answer from a reachable instance: every instance shares that database,
 * so opening this one's breaker sheds nothing and would only delay recovery once the database returns.
 */
function isDependencyDown(err: unknown): boolean {
  return isRpcErrorPayload(err) && err.status === 503 && err.code === Number(ErrorCode.DATABASE_UNAVAILABLE);
}

export function isFailure(err: unknown): boolean {
  return !isBusinessError(err) && !isDependencyDown(err);
}

/** Refused (TCP) or no responders (NATS): the request never reached a server, so another instance may take it, even a write. */
export function neverReachedServer(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 'ECONNREFUSED' || code === 'ENORESPONDERS';
}

export class CallTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`call timed out after ${ms} ms`);
  }
}

/** What the caller sees: business errors as they were, failures as 503 without internals. */
export function toCallerError(service: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isRpcErrorPayload(err)) {
    if (err.status < 500 || err.status === 503) return fromRpcErrorPayload(err);
    return new AppError(err.status, err.code, 'Internal server error');
  }
  if (err instanceof CallTimeoutError) {
    return new AppError(503, ErrorCode.UPSTREAM_TIMEOUT, `The ${service} service did not answer in time`, undefined, 1);
  }
  return AppError.unavailable(`The ${service} service is unavailable`, 1);
}
