import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { LoginService } from './login.service';
import { SessionChangesService } from './session-changes.service';

/** The login flow, the per-address login limit and the calls that end sessions, for the account routes of both versions. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: config.auth.loginIpWindowSec * 1000, limit: config.auth.loginIpLimit }],
      }),
    }),
  ],
  providers: [LoginService, LoginThrottlerGuard, SessionChangesService],
  exports: [LoginService, LoginThrottlerGuard, SessionChangesService, ThrottlerModule],
})
export class IdentityModule {}
