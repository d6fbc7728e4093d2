import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The original form fields (multipart or urlencoded); empty ones fail like a wrong password, as before. */
export class V1LoginDto {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
}
