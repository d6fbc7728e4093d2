import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_PATTERNS, LogoutPayload, LogoutReply, RefreshTokenPayload, TokenPair } from '@app/contracts';
import { TokensService } from './tokens.service';

/** Patterns whose proof is the refresh token (the login pattern, throttled, is in ../logins). */
@Controller()
export class TokensHandler {
  constructor(private readonly tokens: TokensService) {}

  @MessagePattern(AUTH_PATTERNS.refresh)
  refresh(@Payload('data') dto: RefreshTokenPayload): Promise<TokenPair> {
    return this.tokens.refresh(dto.refreshToken);
  }

  @MessagePattern(AUTH_PATTERNS.logout)
  async logout(@Payload('data') dto: LogoutPayload): Promise<LogoutReply> {
    return { revoked: true, revocations: await this.tokens.logout(dto.refreshToken, dto.accessToken) };
  }
}
