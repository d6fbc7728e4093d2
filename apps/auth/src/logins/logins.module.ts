import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TokensModule } from '../tokens/tokens.module';
import { DeviceTokensService } from './device-tokens.service';
import { LoginThrottleService } from './login-throttle.service';
import { LoginsHandler } from './logins.handler';

@Module({
  imports: [TokensModule],
  controllers: [LoginsHandler],
  providers: [
    { provide: LoginThrottleService, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LoginThrottleService(config) },
    { provide: DeviceTokensService, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new DeviceTokensService(config) },
  ],
})
export class LoginsModule {}
