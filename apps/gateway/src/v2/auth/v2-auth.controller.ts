import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/auth';
import { ApiErrors, AppError, BODY_ERRORS } from '@app/common';
import { AUTH_PATTERNS, TokenPair, USER_PATTERNS, UserDto } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { BearerToken, CurrentUser, Public } from '../../auth/auth.decorator';
import { RequestId } from '../../clients/request-id.decorator';
import { InjectService } from '../../clients/service-clients.module';
import { CurrentLoginClient, LoginClient } from '../../identity/login-client.decorator';
import { LoginThrottlerGuard } from '../../identity/login-throttler.guard';
import { LoginService } from '../../identity/login.service';
import { SessionChangesService } from '../../identity/session-changes.service';
import { UserResponseDto } from '../users/v2-users.dto';
import { LoginDto, MeDto, RefreshDto, RegisterDto, TokenPairDto } from './v2-auth.dto';

@ApiTags('auth')
@Controller('api/v2/auth')
export class V2AuthController {
  constructor(
    @InjectService('user') private readonly users: ServiceClient,
    @InjectService('auth') private readonly auth: ServiceClient,
    private readonly logins: LoginService,
    private readonly sessions: SessionChangesService,
  ) {}

  @ApiOperation({ operationId: 'register', summary: 'Self sign-up (role user)', description: '403 when self sign-up is turned off.' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(...BODY_ERRORS, 403, 409, 429)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('register')
  @HttpCode(201)
  register(@Body() dto: RegisterDto, @RequestId() requestId?: string): Promise<UserResponseDto> {
    return this.users.send<UserDto>(USER_PATTERNS.register, dto, { requestId });
  }

  @ApiOperation({
    operationId: 'login',
    summary: 'Log in: an access token and a refresh token',
    description:
      'Repeated failures from one client, for one account or any, are throttled with growing delays (429). The client is the device when it sends the `mp_device` cookie of an earlier login to the account (set on every login), else its address.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(...BODY_ERRORS, 401, 429)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @CurrentLoginClient() client: LoginClient): Promise<TokenPairDto> {
    return (await this.logins.login(dto.username, dto.password, true, client)) as TokenPairDto;
  }

  @ApiOperation({
    operationId: 'refreshTokens',
    summary: 'A new token pair for a refresh token',
    description: 'The refresh token is spent; using it again ends the session.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(...BODY_ERRORS, 401)
  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() dto: RefreshDto, @RequestId() requestId?: string): Promise<TokenPairDto> {
    return (await this.auth.send<TokenPair>(AUTH_PATTERNS.refresh, { refreshToken: dto.refreshToken }, { requestId })) as TokenPairDto;
  }

  @ApiOperation({
    operationId: 'logout',
    summary: 'End the session the refresh token belongs to',
    description:
      'Its access tokens stop working too, at once on the instance that answered and within a second on every other, and so does the session of the bearer token if one is sent.',
  })
  @ApiNoContentResponse({ description: 'Logged out (also when the token was already spent)' })
  @ApiErrors(...BODY_ERRORS, 401)
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() dto: RefreshDto, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<void> {
    await this.sessions.logout(dto.refreshToken, token, requestId);
  }

  @ApiOperation({ operationId: 'getMe', summary: 'The caller', description: 'Who the access token belongs to.' })
  @ApiOkResponse({ type: MeDto })
  @ApiErrors(401)
  @ApiBearerAuth()
  @Get('me')
  async me(@CurrentUser() caller: Principal, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<MeDto> {
    try {
      const user = await this.users.send<UserDto>(USER_PATTERNS.findById, { id: caller.id }, { requestId, token, idempotent: true });
      return { id: user.id, username: user.username, role: user.role };
    } catch (err) {
      // A valid token whose account was deleted since it was issued.
      if ((err as AppError).status === 404) throw AppError.unauthorized('The account no longer exists');
      throw err;
    }
  }
}
