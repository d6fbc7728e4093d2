import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface RequestContext {
  requestId: string;
}

/** Carries the request id through every await of one request, in the gateway and in services. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's id only when it is short and plain, so it cannot forge log lines. */
export function normaliseRequestId(raw: unknown): string {
  return typeof raw === 'string' && SAFE_ID.test(raw) ? raw : randomUUID();
}
