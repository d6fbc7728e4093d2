import { IsOptional, IsString, Length } from 'class-validator';
import { PageQuery } from '@app/common';

export class ListUsersQuery extends PageQuery {
  /** Username prefix, case-insensitive */
  @IsOptional()
  @IsString()
  @Length(0, 64)
  q?: string;
}
