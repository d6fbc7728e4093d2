import { DynamicModule, Module } from '@nestjs/common';
import { RevocationFollower, TokenModule } from '@app/auth';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';
import { UsersModule } from './users/users.module';

@Module({})
export class UserModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: UserModule,
      imports: [...serviceBaseImports('user', config), TokenModule, UsersModule],
      controllers: [healthHandlerFor('user')],
      providers: [RevocationFollower],
    };
  }
}
