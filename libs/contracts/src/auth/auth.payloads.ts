import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { CredentialsDto } from './auth.dto';

export class LoginPayload extends CredentialsDto {
  /** v1 clients only take an access token: no refresh token is stored for them. */
  @IsOptional()
  @IsBoolean()
  withRefreshToken?: boolean;

  /** The device token from an earlier login on this client (a cookie at the gateway): its own throttle key. */
  @IsOptional()
  @IsString()
  @Length(1, 512)
  deviceToken?: string;
}

export class RefreshTokenPayload {
  @ApiProperty({ minLength: 1, maxLength: 512, description: 'The refresh token from the last login or refresh' })
  @IsString()
  @Length(1, 512)
  refreshToken: string;
}

/** Logout: the session of the refresh token, and the one of the caller's access token when it sends one. */
export class LogoutPayload extends RefreshTokenPayload {
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  accessToken?: string;
}

export interface TokenPair {
  accessToken: string;
  /** Absent when the login asked for an access token only. */
  refreshToken?: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** From `auth.login`: proves this client signed in to the account, for its next login (never in an HTTP body). */
  deviceToken?: string;
}
