import { IsString, Length, Matches } from 'class-validator';
import { CredentialsDto, RefreshTokenPayload, USERNAME_PATTERN, USERNAME_RULE, UserRole } from '@app/contracts';

export class RegisterDto {
  /** 3–64 letters, digits, ".", "_" or "-"; unique regardless of case */
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  /** 8–128 characters */
  @IsString()
  @Length(8, 128)
  password: string;
}

export class LoginDto extends CredentialsDto {}

/** The refresh token from the last login or refresh */
export class RefreshDto extends RefreshTokenPayload {}

export class TokenPairDto {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires */
  expiresIn: number;
}

export class MeDto {
  id: string;
  username: string;
  role: UserRole;
}
