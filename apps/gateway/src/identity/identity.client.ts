import { Injectable } from '@nestjs/common';
import { Page } from '@app/common';
import {
  AUTH_PATTERNS,
  CreateUserPayload,
  ListUsersPayload,
  LoginPayload,
  RegisterUserPayload,
  TokenPair,
  UpdateUserPayload,
  USER_PATTERNS,
  UserDto,
} from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';

/** The gateway's calls to the user and auth services; the caller's token goes along for the services to verify again. */
@Injectable()
export class IdentityClient {
  constructor(private readonly registry: ServiceRegistry) {}

  createUser(data: CreateUserPayload, token: string | undefined): Promise<UserDto> {
    return this.registry.client('user').send(USER_PATTERNS.create, data, { token });
  }

  register(data: RegisterUserPayload): Promise<UserDto> {
    return this.registry.client('user').send(USER_PATTERNS.register, data);
  }

  findUser(id: string, token: string | undefined): Promise<UserDto> {
    return this.registry.client('user').send(USER_PATTERNS.findById, { id }, { token, idempotent: true });
  }

  listUsers(query: ListUsersPayload, token: string | undefined): Promise<Page<UserDto>> {
    return this.registry.client('user').send(USER_PATTERNS.list, query, { token, idempotent: true });
  }

  updateUser(data: UpdateUserPayload, token: string | undefined): Promise<UserDto> {
    return this.registry.client('user').send(USER_PATTERNS.update, data, { token });
  }

  async deleteUser(id: string, token: string | undefined): Promise<void> {
    await this.registry.client('user').send(USER_PATTERNS.delete, { id }, { token });
  }

  login(data: LoginPayload, clientIp: string): Promise<TokenPair> {
    return this.registry.client('auth').send(AUTH_PATTERNS.login, data, { clientIp });
  }

  refresh(refreshToken: string): Promise<TokenPair> {
    return this.registry.client('auth').send(AUTH_PATTERNS.refresh, { refreshToken });
  }

  async logout(refreshToken: string, accessToken?: string): Promise<void> {
    await this.registry.client('auth').send(AUTH_PATTERNS.logout, { refreshToken, ...(accessToken ? { accessToken } : {}) });
  }
}
