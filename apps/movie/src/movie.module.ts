import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';

@Module({})
export class MovieModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: MovieModule,
      imports: [...serviceBaseImports('movie', config)],
      controllers: [healthHandlerFor('movie')],
    };
  }
}
