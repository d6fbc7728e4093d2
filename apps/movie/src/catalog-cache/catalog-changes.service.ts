import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CatalogCache } from './catalog-cache.service';

/**
 * Where instances learn of each other's catalog writes: events pushed as they happen, and a position that moves
 * whenever any instance wrote (the `catalog` stream: CatalogStreamSource).
 */
export abstract class CatalogChangeSource {
  abstract position(): Promise<string>;
  /** Called after a local write and before it is acknowledged. */
  abstract record(): Promise<void>;
  /** Calls `changed` for every write of another instance; resolves with how to stop. */
  abstract watch(changed: () => void): Promise<() => Promise<void>>;
}

/** Without reads for this long, an instance stops checking the stream's position until the next read. */
const IDLE_AFTER_MS = 5_000;

/**
 * Keeps this instance's catalog cache in step with writes here (at once) and elsewhere (each write's event drops the
 * cached answers when it arrives; and, as the bound, the stream's position is checked every `pollMs` while reads
 * come, never while idle). A read that finds the last check too old waits for the next one (all such reads share
 * it) instead of going to the database. The checks ask the event engine (in memory, or a JetStream stream info
 * request), never the database.
 */
@Injectable()
export class CatalogChanges implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CatalogChanges');
  private known: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;
  private inflight: Promise<void> | null = null;
  /** The version write running, and the one queued behind it that every write arriving meanwhile shares. */
  private recording: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private readonly pollMs: number;
  private unwatch?: Promise<(() => Promise<void>) | undefined>;

  constructor(
    private readonly cache: CatalogCache,
    private readonly source: CatalogChangeSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pollMs = config.catalogCache.pollMs;
  }

  onApplicationBootstrap(): void {
    if (!this.cache.options.enabled) return;
    this.unwatch = this.source.watch(() => this.cache.invalidate()).catch((err: Error) => {
      // Without the pushed events the position checks still bound staleness.
      this.logger.warn(`catalog events not followed (${err.message}); the position checks alone keep reads fresh`);
      return undefined;
    });
    void this.refresh();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await (await this.unwatch)?.();
  }

  /** A check of the shared position: the one running, or a new one now. */
  refresh(): Promise<void> {
    if (this.stopped || !this.cache.options.enabled) return Promise.resolve();
    if (!this.inflight) {
      clearTimeout(this.timer);
      this.inflight = this.check().finally(() => {
        this.inflight = null;
        this.scheduleNext();
      });
    }
    return this.inflight;
  }

  /** A write changed the catalog: drop this instance's answers and tell the others before acknowledging. */
  written(): Promise<void> {
    this.cache.invalidate();
    // The caller's write is stored; a version write that starts after this call covers it. A burst of writes
    // (ratings of a hot movie) shares one queued version write instead of one each on a one-writer database.
    this.queued ??= (this.recording ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        this.recording = this.source.record().finally(() => (this.recording = null));
        return this.recording;
      });
    return this.queued;
  }

  private async check(): Promise<void> {
    const startedAt = performance.now();
    try {
      const position = await this.source.position();
      if (position !== this.known) {
        this.cache.invalidate();
        this.known = position;
      }
      this.cache.confirm(startedAt);
      if (this.failing) this.logger.log('catalog position readable again; cached reads resume');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn(`catalog position unreadable, reads bypass the cache: ${(err as Error).message}`);
      this.failing = true;
    }
  }

  /** Idle instances stop asking; the next read starts the checks again. */
  private scheduleNext(): void {
    if (this.stopped || performance.now() - this.cache.lastDemandAt > IDLE_AFTER_MS) return;
    this.timer = setTimeout(() => void this.refresh(), this.pollMs);
    this.timer.unref();
  }
}
