import { IsIn, IsOptional } from 'class-validator';
import { USER_ROLES, UserChangesDto, UserRole } from '@app/contracts';
import { RegisterDto } from '../auth/v2-auth.dto';

/** The self sign-up fields, plus the role an admin may give. */
export class CreateUserDto extends RegisterDto {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
}

/** Admins may set any field; a user may set their username, and their password with currentPassword. */
export class UpdateUserDto extends UserChangesDto {}

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
