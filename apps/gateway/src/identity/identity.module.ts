import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '@app/config';
import { V1AuthController } from '../v1/auth/v1-auth.controller';
import { V1UsersController } from '../v1/users/v1-users.controller';
import { V2AuthController } from '../v2/auth/v2-auth.controller';
import { V2UsersController } from '../v2/users/v2-users.controller';
import { IdentityClient } from './identity.client';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { LoginService } from './login.service';

/** Accounts and tokens over HTTP: the original v1 routes and the v2 API, on the user and auth services. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: config.auth.loginIpWindowSec * 1000, limit: config.auth.loginIpLimit }],
      }),
    }),
  ],
  controllers: [V1AuthController, V1UsersController, V2AuthController, V2UsersController],
  providers: [IdentityClient, LoginService, LoginThrottlerGuard],
})
export class IdentityModule {}
