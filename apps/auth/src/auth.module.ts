import { DynamicModule, Module } from '@nestjs/common';
import { TokenModule } from '@app/auth';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';
import { LoginsModule } from './logins/logins.module';
import { TokensModule } from './tokens/tokens.module';

@Module({})
export class AuthModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [...serviceBaseImports('auth', config), TokenModule, TokensModule, LoginsModule],
      controllers: [healthHandlerFor('auth')],
    };
  }
}
