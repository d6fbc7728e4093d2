import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AppError, ErrorCode } from '@app/common';

/** v1 answers a missing field with its own messages, so presence is checked by `requireField`, not here. */
export class V1CreateUserDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  password?: string;
}

export class V1UpdateUserDto extends V1CreateUserDto {
  @IsOptional()
  @IsString()
  id?: string;
}

export class V1UserQuery {
  @IsOptional()
  @IsString()
  id?: string;
}

/** The original users as v1 clients know them. */
export interface V1User {
  id: string;
  name: string;
}

export const SUCCESS = { message: 'Successfully' } as const;

export function requireField(value: string | undefined, message: string): string {
  if (!value) throw AppError.badRequest(message, ErrorCode.VALIDATION);
  return value;
}
