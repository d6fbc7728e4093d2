import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiObjectIdParam, assertObjectId, BODY_ERRORS, ParseObjectIdPipe } from '@app/common';
import { Page } from '@app/common';
import { USER_PATTERNS, UserDto } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { BearerToken, Roles } from '../../auth/auth.decorator';
import { RequestId } from '../../clients/request-id.decorator';
import { InjectService } from '../../clients/service-clients.module';
import { SessionChangesService } from '../../identity/session-changes.service';
import { requireField, SUCCESS, V1CreateUserDto, V1MessageDto, V1UpdateUserDto, V1User, V1UserQuery } from './v1-users.dto';

/** At most this many users in one v1 list (it has no paging). */
const V1_LIST_CAP = 10_000;
const PAGE = 100;

const toV1 = (user: UserDto): V1User => ({ id: user.id, name: user.username });

/** The original user routes; unlike the old system they need an admin token. */
@ApiTags('v1 (deprecated)')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/users')
export class V1UsersController {
  constructor(
    @InjectService('user') private readonly users: ServiceClient,
    private readonly sessions: SessionChangesService,
  ) {}

  @ApiOperation({
    operationId: 'v1CreateUser',
    summary: 'Create a user: JSON {name, password}',
    description: 'Role user.',
    deprecated: true,
  })
  @ApiOkResponse({ type: V1MessageDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 409)
  @Post()
  @HttpCode(200)
  async create(@Body() dto: V1CreateUserDto, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<typeof SUCCESS> {
    const username = requireField(dto.name, 'Name is empty');
    const password = requireField(dto.password, 'Password is empty');
    await this.users.send<UserDto>(USER_PATTERNS.create, { username, password }, { requestId, token });
    return SUCCESS;
  }

  @ApiOperation({ operationId: 'v1ListUsers', summary: 'Every user', description: 'Unpaged, at most 10,000.', deprecated: true })
  @ApiOkResponse({ type: [V1User] })
  @ApiErrors(401, 403)
  @Get('list')
  async list(@BearerToken() token?: string, @RequestId() requestId?: string): Promise<V1User[]> {
    const all: V1User[] = [];
    for (let page = 1; all.length < V1_LIST_CAP; page++) {
      const result = await this.users.send<Page<UserDto>>(USER_PATTERNS.list, { page, limit: PAGE }, { requestId, token, idempotent: true });
      all.push(...result.items.map(toV1));
      if (result.items.length < PAGE || all.length >= result.total) break;
    }
    return all;
  }

  @ApiOperation({ operationId: 'v1GetUser', summary: 'One user by id (path)', description: 'Id in the path.', deprecated: true })
  @ApiOkResponse({ type: V1User })
  @ApiErrors(400, 401, 403, 404)
  @ApiObjectIdParam()
  @Get('detail/:id')
  async detail(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<V1User> {
    return toV1(await this.users.send<UserDto>(USER_PATTERNS.findById, { id }, { requestId, token, idempotent: true }));
  }

  @ApiOperation({ operationId: 'v1GetUserByQuery', summary: 'One user by id (query)', description: 'Id in the query.', deprecated: true })
  @ApiOkResponse({ type: V1User })
  @ApiErrors(400, 401, 403, 404)
  @Get()
  async byQuery(@Query() query: V1UserQuery, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<V1User> {
    return toV1(await this.users.send<UserDto>(USER_PATTERNS.findById, { id: assertObjectId(query.id) }, { requestId, token, idempotent: true }));
  }

  @ApiOperation({
    operationId: 'v1UpdateUser',
    summary: 'Change a user: JSON {id, name, password}',
    description: 'Both fields are set.',
    deprecated: true,
  })
  @ApiOkResponse({ type: V1MessageDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404, 409)
  @Patch()
  async update(@Body() dto: V1UpdateUserDto, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<typeof SUCCESS> {
    const id = assertObjectId(dto.id);
    const username = requireField(dto.name, 'Name is empty');
    const password = requireField(dto.password, 'Password is empty');
    await this.sessions.updateUser({ id, username, password }, token, requestId);
    return SUCCESS;
  }

  @ApiOperation({ operationId: 'v1DeleteUser', summary: 'Delete a user', description: 'Never the last admin.', deprecated: true })
  @ApiOkResponse({ type: V1MessageDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404, 409)
  @ApiObjectIdParam()
  @Delete(':id')
  async remove(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string, @RequestId() requestId?: string): Promise<typeof SUCCESS> {
    await this.sessions.deleteUser(id, token, requestId);
    return SUCCESS;
  }
}
