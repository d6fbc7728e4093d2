import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { requestIdOf } from '@app/observability';
import { AppError, ErrorBody, isRpcErrorPayload } from './app.error';
import { codeForStatus, ErrorCode } from './error-codes.constants';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
  sent?: boolean;
}

/** Fastify's own errors (body parsing, size limits) carry these codes. */
const FASTIFY_ERRORS: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, ErrorCode.MALFORMED_JSON, 'Malformed JSON body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, ErrorCode.MALFORMED_JSON, 'Empty JSON body'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'],
  FST_REQ_FILE_TOO_LARGE: [413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'],
  FST_PARTS_LIMIT: [413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'],
  FST_FIELDS_LIMIT: [413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, ErrorCode.BAD_REQUEST, 'Invalid content length'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content type'],
  FST_ERR_BAD_URL: [400, ErrorCode.BAD_REQUEST, 'Malformed URL'],
  FST_ERR_MAX_PARAM_LENGTH: [414, ErrorCode.BAD_REQUEST, 'URI too long'],
};

interface ResolvedError {
  status: number;
  body: ErrorBody;
  retryAfter?: number;
}

/** Turns anything thrown into a status and a `{code, message}` body; never leaks internals. */
export function resolveHttpError(exception: unknown): ResolvedError {
  if (exception instanceof AppError) {
    return {
      status: exception.status,
      body: { code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) },
      retryAfter: exception.retryAfter,
    };
  }
  if (isRpcErrorPayload(exception)) {
    const safe = exception.status < 500;
    return {
      status: exception.status,
      body: {
        code: exception.code,
        message: safe || exception.status === 503 ? exception.message : 'Internal server error',
        ...(exception.details ? { details: exception.details } : {}),
      },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = response.message;
      message = Array.isArray(m) ? String(m[0]) : String(m);
    }
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
      return { status, body: { code: ErrorCode.ROUTE_NOT_FOUND, message: 'Route not found' } };
    }
    const causeCode = (exception.cause as { code?: unknown } | undefined)?.code;
    if (typeof causeCode === 'string' && FASTIFY_ERRORS[causeCode]) {
      const [fStatus, code, fMessage] = FASTIFY_ERRORS[causeCode];
      return { status: fStatus, body: { code, message: fMessage } };
    }
    if (status === 400 && /not valid JSON|Unexpected .* JSON|JSON at position/i.test(message)) {
      return { status, body: { code: ErrorCode.MALFORMED_JSON, message: 'Malformed JSON body' } };
    }
    return { status, body: { code: codeForStatus(status), message: status >= 500 ? 'Internal server error' : message } };
  }
  const fastifyCode = (exception as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
    const [status, code, message] = FASTIFY_ERRORS[fastifyCode];
    return { status, body: { code, message } };
  }
  // busboy (multipart parsing) throws plain Errors for broken bodies: the client's fault, not ours.
  if (exception instanceof Error && /^(Multipart: |Unexpected end of (form|multipart)|Malformed part header)/.test(exception.message)) {
    return { status: 400, body: { code: ErrorCode.BAD_REQUEST, message: 'Malformed multipart body' } };
  }
  const statusCode = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { code: codeForStatus(statusCode), message: 'Bad request' } };
  }
  return { status: 500, body: { code: ErrorCode.INTERNAL, message: 'Internal server error' } };
}

export function sendHttpError(reply: ReplyLike, resolved: ResolvedError): void {
  if (resolved.retryAfter !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(resolved.retryAfter))));
  reply.header('Content-Type', 'application/json; charset=utf-8');
  reply.status(resolved.status).send(resolved.body);
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const resolved = resolveHttpError(exception);
    if (resolved.status >= 500 && resolved.status !== 503) {
      const msg = exception instanceof Error ? exception.stack : JSON.stringify(exception);
      // The request's id (Fastify's, as the response's x-request-id header): the line names its request either way.
      const requestId = requestIdOf(host.switchToHttp().getRequest<{ id?: unknown } | undefined>());
      this.logger.error(requestId ? { requestId, msg } : msg);
    }
    if (reply.sent) return;
    sendHttpError(reply, resolved);
  }
}
