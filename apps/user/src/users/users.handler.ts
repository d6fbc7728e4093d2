import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, RpcAuthGuard, RpcPrincipal, RpcRoles } from '@app/auth';
import { Page } from '@app/common';
import {
  CreateUserPayload,
  ListUsersPayload,
  RegisterUserPayload,
  UpdateUserPayload,
  USER_PATTERNS,
  UserDeleteReply,
  UserUpdateReply,
  UserDto,
  UserIdPayload,
  VerifyCredentialsPayload,
} from '@app/contracts';
import { UsersService } from './users.service';

@Controller()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(USER_PATTERNS.create)
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  create(@Payload('data') dto: CreateUserPayload): Promise<UserDto> {
    return this.users.create(dto);
  }

  /** Public self sign-up: the service fixes the role, whatever the caller. */
  @MessagePattern(USER_PATTERNS.register)
  register(@Payload('data') dto: RegisterUserPayload): Promise<UserDto> {
    return this.users.register(dto);
  }

  @MessagePattern(USER_PATTERNS.findById)
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin', 'user', 'service')
  findById(@Payload('data') dto: UserIdPayload, @RpcPrincipal() actor: Principal): Promise<UserDto> {
    return this.users.findById(dto.id.toLowerCase(), actor);
  }

  @MessagePattern(USER_PATTERNS.list)
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  list(@Payload('data') dto: ListUsersPayload): Promise<Page<UserDto>> {
    return this.users.list(dto);
  }

  @MessagePattern(USER_PATTERNS.update)
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin', 'user')
  update(@Payload('data') dto: UpdateUserPayload, @RpcPrincipal() actor: Principal): Promise<UserUpdateReply> {
    return this.users.update({ ...dto, id: dto.id.toLowerCase() }, actor);
  }

  @MessagePattern(USER_PATTERNS.delete)
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  async delete(@Payload('data') dto: UserIdPayload): Promise<UserDeleteReply> {
    return { revocations: await this.users.delete(dto.id.toLowerCase()) };
  }

  /** Only the auth service (with its service token) may check passwords. */
  @MessagePattern(USER_PATTERNS.verifyCredentials)
  @UseGuards(RpcAuthGuard)
  @RpcRoles('service')
  verifyCredentials(@Payload('data') dto: VerifyCredentialsPayload): Promise<UserDto> {
    return this.users.verifyCredentials(dto.username, dto.password);
  }
}
