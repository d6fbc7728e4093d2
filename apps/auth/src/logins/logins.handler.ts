import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppError, ErrorCode } from '@app/common';
import { AUTH_PATTERNS, LoginPayload, RpcMeta, TokenPair } from '@app/contracts';
import { TokensService } from '../tokens/tokens.service';
import { DeviceTokensService } from './device-tokens.service';
import { LoginThrottleService } from './login-throttle.service';

/** Where the client address is not known (a caller other than the gateway): one shared bucket, throttled like any client. */
const UNKNOWN_CLIENT = 'unknown';

/**
 * The login pattern, throttled here and not only at the gateway: whoever sends `auth.login` (with the service
 * credential) meets the same limits. The client is the device when it presents a device token for the account (from
 * an earlier login), else the HTTP client's address the gateway passes in the message meta.
 */
@Controller()
export class LoginsHandler {
  constructor(
    private readonly tokens: TokensService,
    private readonly throttle: LoginThrottleService,
    private readonly devices: DeviceTokensService,
  ) {}

  @MessagePattern(AUTH_PATTERNS.login)
  async login(@Payload('data') dto: LoginPayload, @Payload('meta') meta: RpcMeta | undefined): Promise<TokenPair> {
    const device = this.devices.deviceOf(dto.deviceToken, dto.username);
    const address = typeof meta?.clientIp === 'string' && meta.clientIp.length <= 64 ? meta.clientIp : UNKNOWN_CLIENT;
    const client = device ? `device:${device}` : address;
    const wait = this.throttle.blockedFor(dto.username, client);
    if (wait > 0) throw tooMany(wait);
    try {
      const pair = await this.tokens.login(dto);
      this.throttle.recordSuccess(dto.username, client);
      return { ...pair, deviceToken: this.devices.issue(dto.username, device) };
    } catch (err) {
      // The failure that reaches the limit answers 401 like the others; the next attempt gets 429.
      if ((err as AppError).status === 401) this.throttle.recordFailure(dto.username, client);
      throw err;
    }
  }
}

function tooMany(seconds: number): AppError {
  return new AppError(429, ErrorCode.TOO_MANY_REQUESTS, 'Too many failed logins from this address, try again later', undefined, seconds);
}
