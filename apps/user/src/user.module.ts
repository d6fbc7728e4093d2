import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';

@Module({})
export class UserModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: UserModule,
      imports: [...serviceBaseImports('user', config)],
      controllers: [healthHandlerFor('user')],
    };
  }
}
