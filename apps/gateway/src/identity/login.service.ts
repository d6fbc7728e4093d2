import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@app/common';
import { TokenPair } from '@app/contracts';
import { FailedLogins } from './failed-logins';
import { IdentityClient } from './identity.client';

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid username or password';

/** Every login route (v1 and v2) goes through here, so the per-username failure limit covers them all. */
@Injectable()
export class LoginService {
  constructor(
    private readonly identity: IdentityClient,
    private readonly failures: FailedLogins,
  ) {}

  async login(username: string, password: string, withRefreshToken: boolean): Promise<TokenPair> {
    const wait = this.failures.blockedFor(username);
    if (wait > 0) {
      throw new AppError(429, ErrorCode.TOO_MANY_REQUESTS, 'Too many failed logins for this account, try again later', undefined, wait);
    }
    try {
      const pair = await this.identity.login({ username, password, withRefreshToken });
      this.failures.reset(username);
      return pair;
    } catch (err) {
      if ((err as AppError).status === 401) this.failures.recordFailure(username);
      throw err;
    }
  }

  /** Empty fields are a failed login like any other, with the same generic answer. */
  rejectEmpty(username: string): never {
    if (username) this.failures.recordFailure(username);
    throw AppError.unauthorized(INVALID_CREDENTIALS_MESSAGE, ErrorCode.INVALID_CREDENTIALS);
  }
}
