import { PageQuery } from '@app/common';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CredentialsDto } from '../auth/auth.dto';
import type { Revocation } from '../sessions/sessions.payloads';
import { SignUpDto, UserChangesDto } from './users.dto';
import { USER_ROLES, UserRole } from './users.constants';

/** A user as it leaves the user service: never a hash. */
export interface UserDto {
  id: string;
  username: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
  /**
   * Only to service callers (the auth service's refresh): sessions that started before this (ms) have ended, by a
   * password change or reset. Lets a refresh be refused at once, before the security event reaches the auth service.
   */
  sessionsEndedAt?: number;
}

/** The reply of `user.delete`: the revocations it implies (every session of the user), for the gateway that relayed it. */
export interface UserDeleteReply {
  revocations: Revocation[];
}

/** The reply of `user.update`: the user, and the revocations a password or role change implies (none for a rename). */
export interface UserUpdateReply extends UserDeleteReply {
  user: UserDto;
}

/** Self sign-up: no role field, the service always makes a `user`. */
export class RegisterUserPayload extends SignUpDto {}

/** An admin creates an account: a sign-up that may also set the role. */
export class CreateUserPayload extends RegisterUserPayload {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
}

/** A user id as the user service hands them out (an ObjectId in hex). */
const USER_ID = /^[0-9a-f]{24}$/i;

export class UserIdPayload {
  @IsString()
  @Matches(USER_ID, { message: 'Invalid id' })
  id: string;
}

export class ListUsersPayload extends PageQuery {
  /** Username prefix, matched case-insensitively. */
  @IsOptional()
  @IsString()
  @Length(0, 64)
  q?: string;
}

export class UpdateUserPayload extends UserChangesDto {
  @IsString()
  @Matches(USER_ID, { message: 'Invalid id' })
  id: string;
}

export class VerifyCredentialsPayload extends CredentialsDto {}
