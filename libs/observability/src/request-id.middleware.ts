import { Injectable, NestMiddleware } from '@nestjs/common';
import { normaliseRequestId, runInRequestContext } from './request-context.util';

interface RawReq {
  headers: Record<string, string | string[] | undefined>;
  /** Fastify's request id (the gateway's genReqId normalises x-request-id the same way). */
  id?: unknown;
}
interface RawRes {
  setHeader(name: string, value: string): void;
}

/**
 * Gateway: one request id per HTTP request, from x-request-id or new, echoed in the response, and carried through
 * the request's work when the process carries a request context (`configureRequestContext`).
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(req: RawReq, res: RawRes, next: () => void): void {
    const requestId = typeof req.id === 'string' && req.id ? req.id : normaliseRequestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    runInRequestContext(requestId, next);
  }
}
