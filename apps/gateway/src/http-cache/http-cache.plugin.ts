import { Readable } from 'node:stream';
import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CachedRead, etagMatches, strongEtag } from '@app/contracts';

/** Public catalog answers: any cache may keep them but must revalidate each use (a cheap 304), so no cache stretches the staleness bound. */
const PUBLIC_CACHE_CONTROL = 'public, no-cache';
/** Answers about the caller: only the caller's own cache may keep them, and it revalidates too. */
const PRIVATE_CACHE_CONTROL = 'private, no-cache';

const MAX_TAGS = 32;
const MAX_TAG_LENGTH = 128;
const NOT_MODIFIED = Symbol('notModified');

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

/** How a route's 200 answers are cached: a public catalog read answering CachedRead, or a read about the caller. */
type HttpCacheMode = 'public' | 'private';
const HTTP_CACHE = 'httpCache';

/** ETag and Cache-Control (and Vary), then the body, or nothing and a 304 when the caller's copy is current. */
function answer(request: FastifyRequest, reply: FastifyReply, etag: string, cacheControl: string, body: string | null, vary?: string): void {
  reply.header('etag', etag);
  reply.header('cache-control', cacheControl);
  if (vary) reply.header('vary', vary);
  if (body === null) (request as CacheRequest)[NOT_MODIFIED] = true;
  // The body is JSON already (serialised once, where it was made): it goes out as it is.
  reply.serializer(() => body ?? '');
}

const conditionalDocs = () => [
  ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy held: answered 304 when still current' }),
  ApiResponse({ status: 304, description: 'Not modified: the copy held (ETag) is current' }),
];

const cached = (mode: HttpCacheMode) => applyDecorators(RouteConfig({ [HTTP_CACHE]: mode }), ...conditionalDocs());

/**
 * A public catalog read: the route returns the movie service's CachedRead, which becomes ETag, Cache-Control
 * (`public, no-cache`) and the body, or a 304 (If-None-Match).
 */
export const CatalogRead = () => cached('public');

/** A read about the caller: tagged here from the answer itself (ETag, 304, `Cache-Control: private, no-cache`, `Vary: Authorization`). */
export const PerUserRead = () => cached('private');

/**
 * The HTTP side of both decorators, in Fastify's own hooks rather than a Nest interceptor: a route without
 * interceptors hands Nest a promise, where an interceptor turns every request into several rxjs streams (measured:
 * 8 kB allocated per request, issue 24). Only 200 answers are tagged; errors pass as they are.
 */
export function registerHttpCache(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (request, reply, payload, done) => {
    const mode = (request.routeOptions.config as { [HTTP_CACHE]?: HttpCacheMode })[HTTP_CACHE];
    if (!mode || reply.statusCode !== 200) return done(null, payload);
    if (mode === 'public') {
      const read = payload as Partial<CachedRead>;
      // Anything but a CachedRead goes out as it is, untagged.
      if (typeof read?.etag === 'string' && (typeof read.body === 'string' || read.body === null)) {
        answer(request, reply, read.etag, PUBLIC_CACHE_CONTROL, read.body);
      }
    } else {
      const body = JSON.stringify(payload);
      const etag = strongEtag(body);
      answer(request, reply, etag, PRIVATE_CACHE_CONTROL, etagMatches(parseIfNoneMatch(request.headers['if-none-match']), etag) ? null : body, 'Authorization');
    }
    done(null, payload);
  });
  // A matched conditional read becomes a 304 (Nest would otherwise set the route's own status).
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!(request as CacheRequest)[NOT_MODIFIED]) return done(null, payload);
    reply.code(304);
    reply.removeHeader('content-type');
    // No payload means no Content-Length on a 304; Fastify's HEAD handler would count a null payload as 0
    // bytes (wrong for a 304, RFC 9110 §8.6), but leaves an (empty) stream uncounted.
    done(null, request.method === 'HEAD' ? Readable.from([]) : null);
  });
}
