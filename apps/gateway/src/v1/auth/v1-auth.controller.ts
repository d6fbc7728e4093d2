import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/auth.decorators';
import { LoginThrottlerGuard } from '../../identity/login-throttler.guard';
import { LoginService } from '../../identity/login.service';
import { V1LoginDto } from './v1-login.dto';

@ApiTags('v1 (deprecated)')
@Public()
@UseGuards(LoginThrottlerGuard)
@Controller('api/v1')
export class V1AuthController {
  constructor(private readonly logins: LoginService) {}

  @ApiOperation({ summary: 'Log in (IAM): form fields user, password', deprecated: true })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @Post('admin/auth')
  @HttpCode(200)
  adminAuth(@Body() dto: V1LoginDto): Promise<{ token: string }> {
    return this.login(dto);
  }

  @ApiOperation({ summary: "Log in (the movie service's login, forwarded to IAM)", deprecated: true })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @Post('login')
  @HttpCode(200)
  movieLogin(@Body() dto: V1LoginDto): Promise<{ token: string }> {
    return this.login(dto);
  }

  private async login(dto: V1LoginDto): Promise<{ token: string }> {
    if (!dto.user || !dto.password) this.logins.rejectEmpty(dto.user ?? '');
    const pair = await this.logins.login(dto.user, dto.password, false);
    return { token: pair.accessToken };
  }
}
