import { DynamicModule, Module } from '@nestjs/common';
import { revocationsFromAuthService, TokenModule } from '@app/auth';
import { ResilienceModule } from '@app/resilience';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';
import { UsersModule } from './users/users.module';

@Module({})
export class UserModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: UserModule,
      // The auth client is only for reading revocations (every verifier does; docs/services.md).
      imports: [...serviceBaseImports('user', config), TokenModule, ResilienceModule.forServices(['auth']), UsersModule],
      controllers: [healthHandlerFor('user')],
      providers: [...revocationsFromAuthService('user')],
    };
  }
}
