import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { LoginService } from './login.service';

/** The login flow and the per-address login limit, for the account routes of both versions. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: config.auth.loginIpWindowSec * 1000, limit: config.auth.loginIpLimit }],
      }),
    }),
  ],
  providers: [LoginService, LoginThrottlerGuard],
  exports: [LoginService, LoginThrottlerGuard, ThrottlerModule],
})
export class IdentityModule {}
