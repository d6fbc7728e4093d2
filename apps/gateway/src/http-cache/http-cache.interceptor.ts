import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { CachedRead, etagMatches } from '@app/contracts';

/** Public catalog answers: any cache may keep them but must revalidate each use (a cheap 304), so no cache stretches the staleness bound. */
const PUBLIC_CACHE_CONTROL = 'public, no-cache';
/** Answers about the caller: only the caller's own cache may keep them, and it revalidates too. */
const PRIVATE_CACHE_CONTROL = 'private, no-cache';

const MAX_TAGS = 32;
const MAX_TAG_LENGTH = 128;
const NOT_MODIFIED = Symbol('notModified');
const JSON_TYPE = 'application/json; charset=utf-8';

type CacheRequest = FastifyRequest & { [NOT_MODIFIED]?: boolean };

/**
 * The entity-tags of an If-None-Match header (RFC 9110 §13.1.2): `*`, or a list of `"opaque"` or
 * `W/"opaque"` tags. Returns undefined when absent or malformed (a malformed header is ignored, as if absent).
 */
export function parseIfNoneMatch(header: string | string[] | undefined): string[] | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return undefined;
  if (value.trim() === '*') return ['*'];
  const tags: string[] = [];
  const pattern = /\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(,|$)/gy;
  while (pattern.lastIndex < value.length) {
    const match = pattern.exec(value);
    if (!match) return undefined;
    if (match[2].length <= MAX_TAG_LENGTH && tags.length < MAX_TAGS) tags.push(match[1] ? `W/${match[2]}` : match[2]);
    if (match[3] === '') break;
  }
  return tags.length ? tags : undefined;
}

/** The request's If-None-Match tags, to pass to a read that answers CachedRead. */
export const IfNoneMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): string[] | undefined =>
  parseIfNoneMatch(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-none-match']),
);

function send(context: ExecutionContext, etag: string, cacheControl: string, body: string | null, vary?: string): string | undefined {
  const http = context.switchToHttp();
  const reply = http.getResponse<FastifyReply>();
  reply.header('etag', etag);
  reply.header('cache-control', cacheControl);
  if (vary) reply.header('vary', vary);
  if (body === null) {
    http.getRequest<CacheRequest>()[NOT_MODIFIED] = true;
    return undefined;
  }
  // The body is JSON already (serialised once, where it was made): Fastify sends a string as it is.
  reply.header('content-type', JSON_TYPE);
  return body;
}

/** Public catalog reads: the movie service's CachedRead becomes ETag, Cache-Control and the body, or a 304. */
@Injectable()
export class CatalogReadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CachedRead>): Observable<string | undefined> {
    return next.handle().pipe(map((read) => send(context, read.etag, PUBLIC_CACHE_CONTROL, read.body)));
  }
}

/** Per-user reads: tagged here from the answer itself, private, and varying by the caller's token. */
@Injectable()
class PerUserReadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<string | undefined> {
    return next.handle().pipe(
      map((value: unknown) => {
        const body = JSON.stringify(value);
        const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
        const tags = parseIfNoneMatch(context.switchToHttp().getRequest<FastifyRequest>().headers['if-none-match']);
        return send(context, etag, PRIVATE_CACHE_CONTROL, etagMatches(tags, etag) ? null : body, 'Authorization');
      }),
    );
  }
}

const conditionalDocs = () => [
  ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy held: answered 304 when still current' }),
  ApiResponse({ status: 304, description: 'Not modified: the copy held (ETag) is current' }),
];

/** A public catalog read answering CachedRead (ETag, If-None-Match -> 304, `Cache-Control: public, no-cache`). */
export const CatalogRead = () => applyDecorators(UseInterceptors(CatalogReadInterceptor), ...conditionalDocs());

/** A read about the caller (ETag, 304, `Cache-Control: private, no-cache`, `Vary: Authorization`). */
export const PerUserRead = () => applyDecorators(UseInterceptors(PerUserReadInterceptor), ...conditionalDocs());

/** Turns a matched conditional read into a 304 (Nest would otherwise set the route's own status). */
export function registerNotModified(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!(request as CacheRequest)[NOT_MODIFIED]) return done(null, payload);
    reply.code(304);
    reply.removeHeader('content-type');
    // No payload means no Content-Length on a 304; Fastify's HEAD handler would count a null payload as 0
    // bytes (wrong for a 304, RFC 9110 §8.6), but leaves an (empty) stream uncounted.
    done(null, request.method === 'HEAD' ? Readable.from([]) : null);
  });
}
