import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** A username and password as typed: bounded, never parsed as operators. */
export class CredentialsDto {
  @ApiProperty({ minLength: 1, maxLength: 256, example: 'admin' })
  @IsString()
  @Length(1, 256)
  username: string;

  @ApiProperty({ minLength: 1, maxLength: 256, format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;
}
