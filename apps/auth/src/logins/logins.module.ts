import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TokensModule } from '../tokens/tokens.module';
import { LoginThrottle } from './login-throttle.service';
import { LoginsHandler } from './logins.handler';

@Module({
  imports: [TokensModule],
  controllers: [LoginsHandler],
  providers: [{ provide: LoginThrottle, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LoginThrottle(config) }],
})
export class LoginsModule {}
