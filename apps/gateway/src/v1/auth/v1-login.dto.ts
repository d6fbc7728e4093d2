import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The original form fields (multipart or urlencoded); empty ones fail like a wrong password, as before. */
export class V1LoginDto {
  @ApiPropertyOptional({ maxLength: 256, description: 'The username' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @ApiPropertyOptional({ maxLength: 256, format: 'password' })
  password?: string;
}

export class V1TokenDto {
  @ApiProperty({ description: 'An access token (HS256 JWT); v1 gets no refresh token' }) token!: string;
}
