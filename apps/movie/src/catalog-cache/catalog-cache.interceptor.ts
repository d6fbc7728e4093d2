import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { catchError, concatMap, from, map, mergeMap, Observable, of, throwError } from 'rxjs';
import { AppError } from '@app/common';
import { CachedRead, etagMatches, RpcEnvelope, strongEtag } from '@app/contracts';
import { CachedAnswer, CatalogCache } from './catalog-cache.service';
import { CatalogChanges } from './catalog-changes.service';

/** Longer payloads are answered but not kept: a key is the raw query, and queries are small. */
const MAX_KEY_LENGTH = 1024;

function answer(cached: CachedAnswer, ifNoneMatch: string[] | undefined): CachedRead {
  return { etag: cached.etag, body: etagMatches(ifNoneMatch, cached.etag) ? null : cached.body };
}

/**
 * Catalog reads answer CachedRead: the handler's result serialised once here, tagged, and kept in
 * the catalog cache under the handler and its raw payload (only valid payloads get that far).
 */
@Injectable()
export class CatalogReadInterceptor implements NestInterceptor {
  constructor(
    private readonly cache: CatalogCache,
    private readonly changes: CatalogChanges,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<CachedRead> {
    const envelope = context.switchToRpc().getData<RpcEnvelope>();
    const ifNoneMatch = envelope?.meta?.ifNoneMatch;
    const key = `${context.getClass().name}.${context.getHandler().name}:${JSON.stringify(envelope?.data ?? null)}`;
    const fill = () => {
      const generation = this.cache.begin();
      return next.handle().pipe(
        map((value: unknown) => {
          const body = JSON.stringify(value);
          const fresh = { etag: strongEtag(body), body };
          if (key.length <= MAX_KEY_LENGTH) this.cache.store(key, fresh, generation);
          return answer(fresh, ifNoneMatch);
        }),
      );
    };
    const served = (hit: CachedAnswer | undefined) => (hit ? of(answer(hit, ifNoneMatch)) : fill());
    if (!this.cache.options.enabled) return fill();
    if (this.cache.confirmed()) return served(this.cache.lookup(key));
    // The last check is too old: wait for the next one (shared by every read waiting), then answer from memory if allowed.
    return from(this.changes.refresh()).pipe(mergeMap(() => served(this.cache.lookup(key))));
  }
}

/** Catalog writes invalidate before they are acknowledged; a failed one too, unless it was refused before writing. */
@Injectable()
export class CatalogWriteInterceptor implements NestInterceptor {
  constructor(private readonly changes: CatalogChanges) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      concatMap((value: unknown) => from(this.changes.written().then(() => value))),
      catchError((err: unknown) => {
        if (err instanceof AppError && err.status < 500) return throwError(() => err);
        return from(this.changes.written().catch(() => undefined)).pipe(concatMap(() => throwError(() => err)));
      }),
    );
  }
}

/** The handler is a catalog read: cached, tagged, answered as CachedRead. */
export const CachedCatalogRead = () => UseInterceptors(CatalogReadInterceptor);

/** The handler changes what catalog reads return. */
export const ChangesCatalog = () => UseInterceptors(CatalogWriteInterceptor);
