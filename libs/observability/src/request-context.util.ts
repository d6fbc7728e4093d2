import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@app/config';
import { type Env, tracingWanted } from './tracing.util';

interface RequestContext {
  requestId: string;
}

/**
 * The request id of the work in progress, for log lines written deep in a request (`LOG_LEVEL=info` and below, or
 * tracing on). Off otherwise: on Node 20, AsyncLocalStorage runs a promise hook for every promise of the process once
 * it is first entered, which cost 40 % of an uncached read (bench/RESULTS.md); the id then travels explicitly instead
 * (the response header, the RPC message's `meta.requestId`, the exception filters' lines).
 */
const storage = new AsyncLocalStorage<RequestContext>();
let carried = false;

const VERBOSE_LEVELS: readonly string[] = ['info', 'debug', 'trace'];

/** Whether request lines (`info`) are written at the configured level. */
export function logsRequests(config: AppConfig): boolean {
  return VERBOSE_LEVELS.includes(config.log.level);
}

/** Decides once per process whether the request id is carried through every await (see `storage`). */
export function configureRequestContext(config: AppConfig, env: Env = process.env): void {
  carried = logsRequests(config) || tracingWanted(config, env);
}

export function requestContextCarried(): boolean {
  return carried;
}

/** Runs `fn` inside the request id when the context is carried; else just runs it. */
export function runInRequestContext<T>(requestId: string, fn: () => T): T {
  return carried ? storage.run({ requestId }, fn) : fn();
}

/** The id Fastify gave an HTTP request (`genReqId`), on its request or on Node's one (middie copies it there). */
export function requestIdOf(req: { id?: unknown } | undefined): string | undefined {
  return typeof req?.id === 'string' ? req.id : undefined;
}

/** The request id of the work in progress, when the context is carried. */
export function currentRequestId(): string | undefined {
  return carried ? storage.getStore()?.requestId : undefined;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether a caller's id is short and plain, so it cannot forge log lines. */
export function isSafeRequestId(raw: unknown): raw is string {
  return typeof raw === 'string' && SAFE_ID.test(raw);
}

/** Accepts a caller's id only when it is short and plain, so it cannot forge log lines. */
export function normaliseRequestId(raw: unknown): string {
  return isSafeRequestId(raw) ? raw : randomUUID();
}
