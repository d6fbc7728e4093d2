import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@app/common';
import { AUTH_PATTERNS, TokenPair } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { InjectService } from '../clients/service-clients.module';

const INVALID_CREDENTIALS_MESSAGE = 'Invalid username or password';

/**
 * Every login route (v1 and v2) goes through here. Failed logins are throttled by the auth service itself, per client
 * address and per account and client address: the gateway passes the address it sees (the socket's; no proxy is trusted).
 */
@Injectable()
export class LoginService {
  constructor(@InjectService('auth') private readonly auth: ServiceClient) {}

  login(username: string, password: string, withRefreshToken: boolean, clientIp: string): Promise<TokenPair> {
    return this.auth.send<TokenPair>(AUTH_PATTERNS.login, { username, password, withRefreshToken }, { clientIp });
  }

  /** Empty fields get the same generic answer as a wrong password. */
  rejectEmpty(): never {
    throw AppError.unauthorized(INVALID_CREDENTIALS_MESSAGE, ErrorCode.INVALID_CREDENTIALS);
  }
}
