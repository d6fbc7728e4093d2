import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AppError, ErrorCode } from '@app/common';

/** v1 answers a missing field with its own messages, so presence is checked by `requireField`, not here. */
export class V1CreateUserDto {
  @ApiPropertyOptional({ maxLength: 64, description: 'Required (v1 answers 400 "Name is empty" without it)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  @ApiPropertyOptional({ maxLength: 128, description: 'Required' })
  password?: string;
}

export class V1UpdateUserDto extends V1CreateUserDto {
  @ApiPropertyOptional({ description: 'The user id (required)', example: '665f1c2ab3e4d5f6a7b8c9d0' })
  @IsOptional()
  @IsString()
  id?: string;
}

export class V1UserQuery {
  @ApiPropertyOptional({ description: 'The user id (required)', example: '665f1c2ab3e4d5f6a7b8c9d0' })
  @IsOptional()
  @IsString()
  id?: string;
}

/** The original users as v1 clients know them. */
export class V1User {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The username' }) name!: string;
}

/** What v1 writes answer. */
export class V1MessageDto {
  @ApiProperty({ example: 'Successfully' }) message!: string;
}

export const SUCCESS = { message: 'Successfully' } as const;

export function requireField(value: string | undefined, message: string): string {
  if (!value) throw AppError.badRequest(message, ErrorCode.VALIDATION);
  return value;
}
