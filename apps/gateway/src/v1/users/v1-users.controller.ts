import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertObjectId, ParseObjectIdPipe } from '@app/common';
import { UserDto } from '@app/contracts';
import { BearerToken, Roles } from '../../auth/auth.decorators';
import { IdentityClient } from '../../identity/identity.client';
import { requireField, SUCCESS, V1CreateUserDto, V1UpdateUserDto, V1User, V1UserQuery } from './v1-users.dto';

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
  constructor(private readonly identity: IdentityClient) {}

  @ApiOperation({ summary: 'Create a user: JSON {name, password}', deprecated: true })
  @Post()
  @HttpCode(200)
  async create(@Body() dto: V1CreateUserDto, @BearerToken() token?: string): Promise<typeof SUCCESS> {
    const username = requireField(dto.name, 'Name is empty');
    const password = requireField(dto.password, 'Password is empty');
    await this.identity.createUser({ username, password }, token);
    return SUCCESS;
  }

  @ApiOperation({ summary: 'Every user', deprecated: true })
  @Get('list')
  async list(@BearerToken() token?: string): Promise<V1User[]> {
    const all: V1User[] = [];
    for (let page = 1; all.length < V1_LIST_CAP; page++) {
      const result = await this.identity.listUsers({ page, limit: PAGE }, token);
      all.push(...result.items.map(toV1));
      if (result.items.length < PAGE || all.length >= result.total) break;
    }
    return all;
  }

  @ApiOperation({ summary: 'One user by id (path)', deprecated: true })
  @Get('detail/:id')
  async detail(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string): Promise<V1User> {
    return toV1(await this.identity.findUser(id, token));
  }

  @ApiOperation({ summary: 'One user by id (query)', deprecated: true })
  @Get()
  async byQuery(@Query() query: V1UserQuery, @BearerToken() token?: string): Promise<V1User> {
    return toV1(await this.identity.findUser(assertObjectId(query.id), token));
  }

  @ApiOperation({ summary: 'Change a user: JSON {id, name, password}', deprecated: true })
  @Patch()
  async update(@Body() dto: V1UpdateUserDto, @BearerToken() token?: string): Promise<typeof SUCCESS> {
    const id = assertObjectId(dto.id);
    const username = requireField(dto.name, 'Name is empty');
    const password = requireField(dto.password, 'Password is empty');
    await this.identity.updateUser({ id, username, password }, token);
    return SUCCESS;
  }

  @ApiOperation({ summary: 'Delete a user', deprecated: true })
  @Delete(':id')
  async remove(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token?: string): Promise<typeof SUCCESS> {
    await this.identity.deleteUser(id, token);
    return SUCCESS;
  }
}
