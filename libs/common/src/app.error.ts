import { ErrorCode } from './error-codes.constants';

/** The error body every edge returns. */
export interface ErrorBody {
  code: number;
  message: string;
  details?: string[];
}

/** The same fields inside an RPC error, plus the HTTP status the gateway should use. */
export interface RpcErrorPayload extends ErrorBody {
  status: number;
  /** Seconds, for 429/503 answers: carried across services so the gateway can answer Retry-After. */
  retryAfter?: number;
}

/** A typed application error: thrown by services, turned into HTTP or RPC replies by one filter per edge. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: string[],
    /** Seconds, for 429/503 answers. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(message: string, code = ErrorCode.BAD_REQUEST, details?: string[]): AppError {
    return new AppError(400, code, message, details);
  }
  static invalidId(): AppError {
    return new AppError(400, ErrorCode.INVALID_ID, 'Invalid id');
  }
  static unauthorized(message = 'Unauthorized', code = ErrorCode.UNAUTHORIZED): AppError {
    return new AppError(401, code, message);
  }
  static forbidden(message = 'Forbidden'): AppError {
    return new AppError(403, ErrorCode.FORBIDDEN, message);
  }
  static notFound(message = 'Not found'): AppError {
    return new AppError(404, ErrorCode.NOT_FOUND, message);
  }
  static conflict(message: string): AppError {
    return new AppError(409, ErrorCode.CONFLICT, message);
  }
  static unavailable(message: string, retryAfter?: number): AppError {
    return new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, message, undefined, retryAfter);
  }

  toPayload(): RpcErrorPayload {
    return {
      status: this.status,
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
    };
  }
}

/** RPC errors arrive at the caller as plain objects; recognise ours. */
export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && typeof v.code === 'number' && typeof v.message === 'string';
}

export function fromRpcErrorPayload(payload: RpcErrorPayload): AppError {
  const retryAfter = typeof payload.retryAfter === 'number' && payload.retryAfter > 0 ? Math.ceil(payload.retryAfter) : undefined;
  return new AppError(payload.status, payload.code, payload.message, payload.details, retryAfter);
}
