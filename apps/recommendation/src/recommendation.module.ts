import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';

@Module({})
export class RecommendationModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: RecommendationModule,
      imports: [...serviceBaseImports('recommendation', config)],
      controllers: [healthHandlerFor('recommendation')],
    };
  }
}
