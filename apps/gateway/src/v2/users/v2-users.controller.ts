import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ParseObjectIdPipe } from '@app/common';
import { BearerToken, Roles } from '../../auth/auth.decorators';
import { IdentityClient } from '../../identity/identity.client';
import { CreateUserDto, UpdateUserDto, UserPageDto, UserResponseDto } from './v2-users.dto';
import { ListUsersQuery } from './v2-users.query';

/** Who may do what is decided again by the user service, which verifies the forwarded token. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v2/users')
export class V2UsersController {
  constructor(private readonly identity: IdentityClient) {}

  @ApiOperation({ summary: 'Create a user (admin)' })
  @Roles('admin')
  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateUserDto, @BearerToken() token?: string): Promise<UserResponseDto> {
    return this.identity.createUser(dto, token);
  }

  @ApiOperation({ summary: 'Users, paginated, searchable by username prefix (admin)' })
  @Roles('admin')
  @Get()
  list(@Query() query: ListUsersQuery, @BearerToken() token?: string): Promise<UserPageDto> {
    return this.identity.listUsers({ page: query.page, limit: query.limit, q: query.q }, token);
  }

  @ApiOperation({ summary: 'One user (admin, or the user themself)' })
  @Get(':id')
  get(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string): Promise<UserResponseDto> {
    return this.identity.findUser(id, token);
  }

  @ApiOperation({ summary: 'Change a user (admin: any field; self: username, and password with currentPassword)' })
  @Patch(':id')
  update(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: UpdateUserDto, @BearerToken() token?: string): Promise<UserResponseDto> {
    return this.identity.updateUser({ ...dto, id }, token);
  }

  @ApiOperation({ summary: 'Delete a user (admin; never the last admin)' })
  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string): Promise<void> {
    await this.identity.deleteUser(id, token);
  }
}
