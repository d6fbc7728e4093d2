import { LRUCache } from 'lru-cache';
import { counter, gauge } from '@app/observability';

const cacheBytes = gauge('catalog_cache_bytes', 'Bytes of answers held by the catalog cache (body, tag and key lengths)', []);
const cacheEntries = gauge('catalog_cache_entries', 'Answers held by the catalog cache', []);
const lookups = counter('catalog_cache_lookups_total', 'Catalog cache lookups by outcome (hit, miss, unconfirmed)', ['outcome']);

export interface CachedAnswer {
  etag: string;
  body: string;
}

interface CatalogCacheOptions {
  enabled: boolean;
  maxBytes: number;
  /** A cached answer is served only while the shared version was checked within this many ms. */
  stalenessMs: number;
}

/**
 * The movie service's catalog answers, serialised once and kept by query. Bounded by bytes (least
 * recently used leave first). Two rules keep it from serving stale answers for longer than
 * `stalenessMs` after a write on any instance:
 * - every change seen (a local write, another instance's write event, or the catalog stream's position moving) bumps the generation and drops
 *   everything; a fill that began under an older generation is not stored, as it may have read
 *   the data before the write;
 * - answers are served from memory only while the stream's position was confirmed by a check that
 *   *started* less than `stalenessMs` ago; otherwise (check late, event engine slow or down) reads go
 *   to the database, so a slow event loop costs speed, never freshness.
 */
export class CatalogCache {
  private readonly entries: LRUCache<string, CachedAnswer>;
  private generation = 0;
  private confirmedAt = Number.NEGATIVE_INFINITY;
  /** When a read last asked (performance.now()): the version is only checked while reads come. */
  lastDemandAt = Number.NEGATIVE_INFINITY;

  constructor(readonly options: CatalogCacheOptions) {
    this.entries = new LRUCache<string, CachedAnswer>({
      maxSize: Math.max(1, options.maxBytes),
      // One-byte strings dominate (JSON of Latin-1 text); the constant covers the entry's own objects.
      sizeCalculation: (answer, key) => answer.body.length + answer.etag.length + key.length + 96,
    });
  }

  /** The generation a fill starts under; pass it back to `store`. */
  begin(): number {
    return this.generation;
  }

  lookup(key: string, now = performance.now()): CachedAnswer | undefined {
    if (!this.options.enabled) return undefined;
    this.lastDemandAt = now;
    if (now - this.confirmedAt >= this.options.stalenessMs) {
      lookups.inc({ outcome: 'unconfirmed' });
      return undefined;
    }
    const found = this.entries.get(key);
    lookups.inc({ outcome: found ? 'hit' : 'miss' });
    return found;
  }

  store(key: string, answer: CachedAnswer, generation: number): void {
    if (!this.options.enabled || generation !== this.generation) return;
    this.entries.set(key, answer);
    this.measure();
  }

  /** Something in the catalog changed: nothing cached before now may be served again. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.measure();
  }

  private measure(): void {
    cacheBytes.set(this.entries.calculatedSize);
    cacheEntries.set(this.entries.size);
  }

  /** Whether answers may be served now: the last applied version check started within the bound. */
  confirmed(now = performance.now()): boolean {
    return this.options.enabled && now - this.confirmedAt < this.options.stalenessMs;
  }

  /** The stream's position was checked by a read that started at `startedAt` (performance.now()) and applied. */
  confirm(startedAt: number): void {
    if (startedAt > this.confirmedAt) this.confirmedAt = startedAt;
  }

  stats(): { entries: number; bytes: number; generation: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize, generation: this.generation };
  }
}
