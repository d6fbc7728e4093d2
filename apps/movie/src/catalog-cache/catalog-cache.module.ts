import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CatalogCache } from './catalog-cache.service';
import { CatalogReadInterceptor, CatalogWriteInterceptor } from './catalog-cache.interceptor';
import { CatalogChanges, CatalogChangeSource } from './catalog-changes.service';
import { CatalogVersion, CatalogVersionSchema } from './catalog-version.schema';
import { CatalogVersionRepository } from './catalog-version.repository';

@Module({
  imports: [MongooseModule.forFeature([{ name: CatalogVersion.name, schema: CatalogVersionSchema }])],
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
    CatalogVersionRepository,
    { provide: CatalogChangeSource, useExisting: CatalogVersionRepository },
    CatalogChanges,
    CatalogReadInterceptor,
    CatalogWriteInterceptor,
  ],
  exports: [CatalogCache, CatalogChanges, CatalogReadInterceptor, CatalogWriteInterceptor],
})
export class CatalogCacheModule {}
