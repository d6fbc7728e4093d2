import { Injectable } from '@nestjs/common';
import { RevocationListService } from '@app/auth';
import { AUTH_PATTERNS, LogoutReply, UpdateUserPayload, USER_PATTERNS, UserDeleteReply, UserDto, UserUpdateReply } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { InjectService } from '../clients/service-clients.module';

/**
 * The calls that end or change sessions (logout, a user change, a delete), for both API versions. The service that
 * owns the rule answers the revocations it stored; this gateway applies them to its own list before it answers, so
 * its very next request is already refused. Every other verifier learns them from the revocation feed (within 1 s).
 */
@Injectable()
export class SessionChangesService {
  constructor(
    @InjectService('user') private readonly users: ServiceClient,
    @InjectService('auth') private readonly auth: ServiceClient,
    private readonly revocations: RevocationListService,
  ) {}

  async logout(refreshToken: string, accessToken?: string, requestId?: string): Promise<void> {
    const reply = await this.auth.send<LogoutReply>(
      AUTH_PATTERNS.logout,
      { refreshToken, ...(accessToken ? { accessToken } : {}) },
      { requestId },
    );
    this.revocations.applyAnswered(reply.revocations);
  }

  async updateUser(payload: UpdateUserPayload, token?: string, requestId?: string): Promise<UserDto> {
    const reply = await this.users.send<UserUpdateReply>(USER_PATTERNS.update, payload, { requestId, token });
    this.revocations.applyAnswered(reply.revocations);
    return reply.user;
  }

  async deleteUser(id: string, token?: string, requestId?: string): Promise<void> {
    const reply = await this.users.send<UserDeleteReply>(USER_PATTERNS.delete, { id }, { requestId, token });
    this.revocations.applyAnswered(reply.revocations);
  }
}
