import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_PATTERNS, LoginPayload, LogoutPayload, RefreshTokenPayload, TokenPair } from '@app/contracts';
import { TokensService } from './tokens.service';

/** Public patterns: the credentials or the refresh token are the proof. */
@Controller()
export class TokensHandler {
  constructor(private readonly tokens: TokensService) {}

  @MessagePattern(AUTH_PATTERNS.login)
  login(@Payload('data') dto: LoginPayload): Promise<TokenPair> {
    return this.tokens.login(dto);
  }

  @MessagePattern(AUTH_PATTERNS.refresh)
  refresh(@Payload('data') dto: RefreshTokenPayload): Promise<TokenPair> {
    return this.tokens.refresh(dto.refreshToken);
  }

  @MessagePattern(AUTH_PATTERNS.logout)
  async logout(@Payload('data') dto: LogoutPayload): Promise<{ revoked: true }> {
    await this.tokens.logout(dto.refreshToken, dto.accessToken);
    return { revoked: true };
  }
}
