import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AUTH_PATTERNS, TokenPair } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { InjectService } from '../clients/service-clients.module';
import type { LoginClient } from './login-client.decorator';

const INVALID_CREDENTIALS_MESSAGE = 'Invalid username or password';

/**
 * Every login route (v1 and v2) goes through here. Failed logins are throttled by the auth service itself, per client
 * and per account and client, where the client is the device when it sends the device cookie of an earlier login to
 * that account, else the address the gateway sees (the socket's; no proxy is trusted).
 */
@Injectable()
export class LoginService {
  private readonly deviceMaxAgeSec: number;

  constructor(
    @InjectService('auth') private readonly auth: ServiceClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.deviceMaxAgeSec = config.jwt.refreshTtlDays * 24 * 60 * 60;
  }

  async login(username: string, password: string, withRefreshToken: boolean, client: LoginClient): Promise<TokenPair> {
    const payload = { username, password, withRefreshToken, ...(client.deviceToken ? { deviceToken: client.deviceToken } : {}) };
    const { deviceToken, ...pair } = await this.auth.send<TokenPair>(AUTH_PATTERNS.login, payload, { clientIp: client.ip, requestId: client.requestId });
    if (deviceToken) client.setDeviceToken(deviceToken, this.deviceMaxAgeSec);
    return pair;
  }

  /** Empty fields get the same generic answer as a wrong password. */
  rejectEmpty(): never {
    throw AppError.unauthorized(INVALID_CREDENTIALS_MESSAGE, ErrorCode.INVALID_CREDENTIALS);
  }
}
