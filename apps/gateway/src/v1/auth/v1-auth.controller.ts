import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BODY_ERRORS } from '@app/common';
import { Public } from '../../auth/auth.decorator';
import { CurrentLoginClient, LoginClient } from '../../identity/login-client.decorator';
import { LoginThrottlerGuard } from '../../identity/login-throttler.guard';
import { LoginService } from '../../identity/login.service';
import { V1LoginDto, V1TokenDto } from './v1-login.dto';

@ApiTags('v1 (deprecated)')
@Public()
@UseGuards(LoginThrottlerGuard)
@Controller('api/v1')
export class V1AuthController {
  constructor(private readonly logins: LoginService) {}

  @ApiOperation({
    operationId: 'v1AdminLogin',
    summary: 'Log in (IAM): form fields user, password',
    description: 'The original IAM login. Empty fields fail like a wrong password.',
    deprecated: true,
  })
  @ApiOkResponse({ type: V1TokenDto })
  @ApiErrors(...BODY_ERRORS, 401, 429)
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @Post('admin/auth')
  @HttpCode(200)
  adminAuth(@Body() dto: V1LoginDto, @CurrentLoginClient() client: LoginClient): Promise<{ token: string }> {
    return this.login(dto, client);
  }

  @ApiOperation({
    operationId: 'v1Login',
    summary: "Log in (the movie service's login)",
    description: 'Forwarded to IAM, like /api/v1/admin/auth.',
    deprecated: true,
  })
  @ApiOkResponse({ type: V1TokenDto })
  @ApiErrors(...BODY_ERRORS, 401, 429)
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @Post('login')
  @HttpCode(200)
  movieLogin(@Body() dto: V1LoginDto, @CurrentLoginClient() client: LoginClient): Promise<{ token: string }> {
    return this.login(dto, client);
  }

  private async login(dto: V1LoginDto, client: LoginClient): Promise<{ token: string }> {
    if (!dto.user || !dto.password) this.logins.rejectEmpty();
    const pair = await this.logins.login(dto.user, dto.password, false, client);
    return { token: pair.accessToken };
  }
}
