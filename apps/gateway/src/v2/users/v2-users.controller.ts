import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiObjectIdParam, BODY_ERRORS, Page, ParseObjectIdPipe } from '@app/common';
import { USER_PATTERNS, UserDto } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { BearerToken, Roles } from '../../auth/auth.decorator';
import { RequestId } from '../../clients/request-id.decorator';
import { InjectService } from '../../clients/service-clients.module';
import { SessionChangesService } from '../../identity/session-changes.service';
import { CreateUserDto, UpdateUserDto, UserPageDto, UserResponseDto } from './v2-users.dto';
import { ListUsersQuery } from './v2-users.query';

/** Who may do what is decided again by the user service, which verifies the forwarded token. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v2/users')
export class V2UsersController {
  constructor(
    @InjectService('user') private readonly users: ServiceClient,
    private readonly sessions: SessionChangesService,
  ) {}

  @ApiOperation({
    operationId: 'createUser',
    summary: 'Create a user (admin)',
    description: 'Any role; the username must be free (in any case).',
  })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 409)
  @Roles('admin')
  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateUserDto, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<UserResponseDto> {
    return this.users.send<UserDto>(USER_PATTERNS.create, dto, { requestId, token });
  }

  @ApiOperation({ operationId: 'listUsers', summary: 'Users, paginated (admin)', description: 'Searchable by username prefix.' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors(400, 401, 403)
  @Roles('admin')
  @Get()
  list(@Query() query: ListUsersQuery, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<UserPageDto> {
    return this.users.send<Page<UserDto>>(
      USER_PATTERNS.list,
      { page: query.page, limit: query.limit, q: query.q },
      { requestId, token, idempotent: true },
    );
  }

  @ApiOperation({ operationId: 'getUser', summary: 'One user', description: 'An admin reads anyone; a user only themself.' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 401, 403, 404)
  @ApiObjectIdParam()
  @Get(':id')
  get(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<UserResponseDto> {
    return this.users.send<UserDto>(USER_PATTERNS.findById, { id }, { requestId, token, idempotent: true });
  }

  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Change a user',
    description: 'Admin: any field. Self: username, and password with currentPassword. The last admin keeps the admin role.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404, 409)
  @ApiObjectIdParam()
  @Patch(':id')
  update(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: UpdateUserDto, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<UserResponseDto> {
    return this.sessions.updateUser({ ...dto, id }, token, requestId);
  }

  @ApiOperation({
    operationId: 'deleteUser',
    summary: 'Delete a user (admin)',
    description: 'Never the last admin (409). Their sessions end.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404, 409)
  @Roles('admin')
  @ApiObjectIdParam()
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<void> {
    await this.sessions.deleteUser(id, token, requestId);
  }
}
