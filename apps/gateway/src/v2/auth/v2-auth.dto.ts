import { CredentialsDto, RefreshTokenPayload, SignUpDto, UserRole } from '@app/contracts';

/** The sign-up fields, validated at the edge as the user service validates them again. */
export class RegisterDto extends SignUpDto {}

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
