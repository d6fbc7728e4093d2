import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CatalogCache } from './catalog-cache.service';
import { CatalogAnswers } from './catalog-answers.service';
import { CatalogChanges, CatalogChangeSource } from './catalog-changes.service';
import { CatalogStreamSource } from './catalog-stream.service';

@Module({
  providers: [
    {
      provide: CatalogCache,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new CatalogCache({
          enabled: config.catalogCache.enabled,
          maxBytes: Math.round(config.catalogCache.maxMb * 1024 * 1024),
          stalenessMs: config.catalogCache.stalenessMs,
        }),
    },
    { provide: CatalogChangeSource, useClass: CatalogStreamSource },
    CatalogChanges,
    CatalogAnswers,
  ],
  exports: [CatalogCache, CatalogChanges, CatalogAnswers],
})
export class CatalogCacheModule {}
