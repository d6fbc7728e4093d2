import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '@app/auth';
import { AppError, ErrorCode, Page } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  CreateUserPayload,
  ListUsersPayload,
  RegisterUserPayload,
  Revocation,
  UpdateUserPayload,
  UserUpdateReply,
  UserDto,
  UserRole,
} from '@app/contracts';
import { SecurityEventsService } from '../security-events/security-events.service';
import { PasswordHasherService } from './password-hasher.service';
import { UserChanges, UsernameTakenError, UserRecord, UsersRepository } from './users.repository';

export const INVALID_CREDENTIALS = 'Invalid username or password';

function toUserDto(user: UserRecord): UserDto {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** What the auth service's refresh needs besides: when the last password change ended the user's sessions. */
const toServiceUserDto = (user: UserRecord): UserDto =>
  user.sessionsEndedAt !== undefined ? { ...toUserDto(user), sessionsEndedAt: user.sessionsEndedAt } : toUserDto(user);

const taken = () => AppError.conflict('Username is already taken');

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasherService,
    private readonly securityEvents: SecurityEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A fresh database gets the documented `admin` account, so the first login works. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    let password = this.config.user.adminPassword;
    if (!password) {
      // The config schema already refuses a missing ADMIN_PASSWORD in production.
      password = 'admin';
      this.logger.warn('Created the admin account with the default password "admin": set ADMIN_PASSWORD');
    }
    try {
      await this.users.create({ username: 'admin', passwordHash: await this.hasher.hash(password), role: 'admin' });
      this.logger.log('Created the admin account');
    } catch (err) {
      // Another instance seeded it first.
      if (!(err instanceof UsernameTakenError)) throw err;
    }
  }

  async create(input: CreateUserPayload): Promise<UserDto> {
    return this.insert(input.username, input.password, input.role ?? 'user');
  }

  async register(input: RegisterUserPayload): Promise<UserDto> {
    if (!this.config.auth.registration) throw AppError.forbidden('Self sign-up is disabled');
    return this.insert(input.username, input.password, 'user');
  }

  async findById(id: string, actor: Principal): Promise<UserDto> {
    if (actor.role !== 'admin' && actor.role !== 'service' && actor.id !== id) {
      throw AppError.forbidden('You may only read your own account');
    }
    const user = await this.existing(id);
    return actor.role === 'service' ? toServiceUserDto(user) : toUserDto(user);
  }

  async list(query: ListUsersPayload): Promise<Page<UserDto>> {
    const { items, total } = await this.users.list(query.page, query.limit, query.q || undefined);
    return { items: items.map(toUserDto), total, page: query.page, limit: query.limit };
  }

  /** Answers the revocations the change implies, for the gateway that relayed it to apply at once. */
  async update(input: UpdateUserPayload, actor: Principal): Promise<UserUpdateReply> {
    const isAdmin = actor.role === 'admin';
    if (!isAdmin && actor.id !== input.id) throw AppError.forbidden('You may only change your own account');
    if (!isAdmin && input.role !== undefined) throw AppError.forbidden('Only an admin can change a role');
    const current = await this.existing(input.id);
    if (!isAdmin && input.password !== undefined) {
      if (!input.currentPassword) throw AppError.badRequest('currentPassword is needed to change your password', ErrorCode.VALIDATION);
      if (!(await this.hasher.verify(current.passwordHash, input.currentPassword))) {
        throw AppError.forbidden('The current password is wrong');
      }
    }
    if (input.role === 'user' && current.role === 'admin' && (await this.users.countAdmins()) <= 1) {
      throw AppError.conflict('The last admin cannot lose the admin role');
    }
    const changes: UserChanges = {};
    if (input.username !== undefined && input.username !== current.username) changes.username = input.username;
    const at = Date.now();
    if (input.password !== undefined) {
      changes.passwordHash = await this.hasher.hash(input.password);
      changes.sessionsEndedAt = at;
    }
    if (input.role !== undefined && input.role !== current.role) changes.role = input.role;
    if (Object.keys(changes).length === 0) return { user: toUserDto(current), revocations: [] };
    let updated: UserRecord | null;
    try {
      updated = await this.users.update(input.id, changes);
    } catch (err) {
      if (err instanceof UsernameTakenError) throw taken();
      throw err;
    }
    if (!updated) throw AppError.notFound('User not found');
    // Before the answer: once the change is acknowledged, the sessions it ends are on their way out (within 1 s).
    const revocations: Revocation[] = [];
    if (changes.passwordHash) revocations.push(await this.securityEvents.record('password', updated.id, undefined, at));
    if (changes.role) revocations.push(await this.securityEvents.record('role', updated.id, changes.role, at));
    return { user: toUserDto(updated), revocations };
  }

  /** Answers the revocation of every session of the user, for the gateway that relayed the delete. */
  async delete(id: string): Promise<Revocation[]> {
    const target = await this.existing(id);
    if (target.role === 'admin' && (await this.users.countAdmins()) <= 1) {
      throw AppError.conflict('The last admin cannot be deleted');
    }
    if (!(await this.users.delete(id))) throw AppError.notFound('User not found');
    return [await this.securityEvents.record('deleted', id)];
  }

  /** The same answer and about the same time whether the name is unknown or the password wrong. */
  async verifyCredentials(username: string, password: string): Promise<UserDto> {
    const user = await this.users.findByUsername(username);
    const ok = user ? await this.hasher.verify(user.passwordHash, password) : await this.hasher.burn(password);
    if (!user || !ok) throw AppError.unauthorized(INVALID_CREDENTIALS, ErrorCode.INVALID_CREDENTIALS);
    return toUserDto(user);
  }

  private async insert(username: string, password: string, role: UserRole): Promise<UserDto> {
    const passwordHash = await this.hasher.hash(password);
    try {
      return toUserDto(await this.users.create({ username, passwordHash, role }));
    } catch (err) {
      if (err instanceof UsernameTakenError) throw taken();
      throw err;
    }
  }

  private async existing(id: string): Promise<UserRecord> {
    const user = await this.users.findById(id);
    if (!user) throw AppError.notFound('User not found');
    return user;
  }
}
