import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';

@Module({})
export class AuthModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [...serviceBaseImports('auth', config)],
      controllers: [healthHandlerFor('auth')],
    };
  }
}
