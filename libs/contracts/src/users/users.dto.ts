import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE, USER_ROLES, USERNAME_PATTERN, USERNAME_RULE, UserRole } from './users.constants';

/** A new account's name and password: the gateway's HTTP DTOs extend these, and the user service validates them again. */
export class SignUpDto {
  /** 3–64 letters, digits, ".", "_" or "-"; unique regardless of case */
  @ApiProperty()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  /** 8–128 characters */
  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password: string;
}

/**
 * Admins may set any field; a user may set their username, and their password with currentPassword.
 * (The explicit Api decorators keep the document's field order and the lengths, which the swagger plugin reads only
 * from literal numbers.)
 */
export class UserChangesDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username?: string;

  /** 8–128 characters */
  @ApiPropertyOptional({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password?: string;

  /** Admins only */
  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** Needed when a non-admin changes their own password */
  @ApiPropertyOptional({ minLength: 1, maxLength: PASSWORD_MAX })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX)
  currentPassword?: string;
}
