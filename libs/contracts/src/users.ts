import { CredentialsDto } from './auth';
import { PageQuery } from '@app/common';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const USER_PATTERNS = {
  create: 'user.create',
  register: 'user.register',
  findById: 'user.findById',
  list: 'user.list',
  update: 'user.update',
  delete: 'user.delete',
  verifyCredentials: 'user.verifyCredentials',
} as const;

export type UserRole = 'admin' | 'user';
export const USER_ROLES: readonly UserRole[] = ['admin', 'user'];

/** 3–64 letters, digits, `.`, `_`, `-`; matched case-insensitively. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
export const USERNAME_RULE = 'username must be 3-64 letters, digits, ".", "_" or "-"';
/** The password policy, enforced by the user service whoever calls it (the v2 API states the same at the edge). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
const PASSWORD_RULE = `password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`;

/** A user as it leaves the user service: never a hash. */
export interface UserDto {
  id: string;
  username: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
}

export class CreateUserPayload {
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password: string;

  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
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
