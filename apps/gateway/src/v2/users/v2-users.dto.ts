import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { USER_ROLES, USERNAME_PATTERN, USERNAME_RULE, UserRole } from '@app/contracts';
import { RegisterDto } from '../auth/v2-auth.dto';

/** The self sign-up fields, plus the role an admin may give. */
export class CreateUserDto extends RegisterDto {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
}

/** Admins may set any field; a user may set their username, and their password with currentPassword. */
export class UpdateUserDto {
  @IsOptional()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username?: string;

  /** 8–128 characters */
  @IsOptional()
  @IsString()
  @Length(8, 128)
  password?: string;

  /** Admins only */
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** Needed when a non-admin changes their own password */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  currentPassword?: string;
}

export class UserResponseDto {
  id: string;
  username: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
}

export class UserPageDto {
  items: UserResponseDto[];
  total: number;
  page: number;
  limit: number;
}
