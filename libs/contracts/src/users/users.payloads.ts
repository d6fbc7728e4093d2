import { PageQuery } from '@app/common';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CredentialsDto } from '../auth/auth.dto';
import { PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE, USER_ROLES, USERNAME_PATTERN, USERNAME_RULE, UserRole } from './users.constants';

/** A user as it leaves the user service: never a hash. */
export interface UserDto {
  id: string;
  username: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
}

/** Self sign-up: no role field, the service always makes a `user`. */
export class RegisterUserPayload {
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password: string;
}

/** An admin creates an account: a sign-up that may also set the role. */
export class CreateUserPayload extends RegisterUserPayload {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
}

export class UserIdPayload {
  @IsString()
  @Matches(/^[0-9a-f]{24}$/i, { message: 'Invalid id' })
  id: string;
}

export class ListUsersPayload extends PageQuery {
  /** Username prefix, matched case-insensitively. */
  @IsOptional()
  @IsString()
  @Length(0, 64)
  q?: string;
}

export class UpdateUserPayload extends UserIdPayload {
  @IsOptional()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username?: string;

  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password?: string;

  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** Needed when a non-admin changes their own password. */
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX)
  currentPassword?: string;
}

export class VerifyCredentialsPayload extends CredentialsDto {}
