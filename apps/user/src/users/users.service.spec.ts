import type { Principal } from '@app/auth';
import type { AppError } from '@app/common';
import { loadConfig } from '@app/config';
import { SecurityEventsService } from '../security-events/security-events.service';
import { PasswordHasherService } from './password-hasher.service';
import { UsernameTakenError, UserRecord, UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const ADMIN_ID = 'a'.repeat(24);
const USER_ID = 'b'.repeat(24);
const OTHER_ID = 'c'.repeat(24);

const record = (id: string, username: string, role: UserRecord['role']): UserRecord => ({
  id,
  username,
  role,
  passwordHash: `hash:${username}-pw`,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
});

const principal = (id: string, role: Principal['role']): Principal => ({ id, username: id, role, jti: 'j', exp: 0 });

describe('UsersService rules', () => {
  let store: Map<string, UserRecord>;
  let repo: jest.Mocked<UsersRepository>;
  let hasher: jest.Mocked<PasswordHasherService>;
  let service: UsersService;
  let events: { record: jest.Mock };
  const admin = principal(ADMIN_ID, 'admin');
  const user = principal(USER_ID, 'user');

  beforeEach(() => {
    store = new Map([
      [ADMIN_ID, record(ADMIN_ID, 'root', 'admin')],
      [USER_ID, record(USER_ID, 'alice', 'user')],
      [OTHER_ID, record(OTHER_ID, 'bob', 'user')],
    ]);
    repo = {
      create: jest.fn(async (u: Pick<UserRecord, 'username' | 'role'>) => record('d'.repeat(24), u.username, u.role)),
      findById: jest.fn(async (id: string) => store.get(id) ?? null),
      findByUsername: jest.fn(
        async (name: string) => [...store.values()].find((u) => u.username.toLowerCase() === name.toLowerCase()) ?? null,
      ),
      list: jest.fn(),
      update: jest.fn(async (id: string, changes: Partial<UserRecord>) => ({ ...store.get(id)!, ...changes })),
      delete: jest.fn(async (id: string) => store.delete(id)),
      countAdmins: jest.fn(async () => [...store.values()].filter((u) => u.role === 'admin').length),
      count: jest.fn(async () => store.size),
    } as unknown as jest.Mocked<UsersRepository>;
    hasher = {
      hash: jest.fn(async (pw: string) => `hash:${pw}`),
      verify: jest.fn(async (hash: string, pw: string) => hash === `hash:${pw}`),
      burn: jest.fn(async () => false as const),
    } as unknown as jest.Mocked<PasswordHasherService>;
    events = {
      record: jest.fn(async (type: string, userId: string) => ({ kind: type === 'role' ? 'role' : 'user', userId, at: 1, expiresAt: 2 })),
    };
    service = new UsersService(repo, hasher, events as unknown as SecurityEventsService, loadConfig({ NODE_ENV: 'test' }));
  });

  describe('security events (sessions that end)', () => {
    it('records a password change, a role change and a delete, and nothing for a rename, answering what each revokes', async () => {
      await expect(service.update({ id: USER_ID, username: 'alice2' }, admin)).resolves.toMatchObject({ revocations: [] });
      expect(events.record).not.toHaveBeenCalled();
      const changed = await service.update({ id: USER_ID, password: 'new-password-1' }, admin);
      // The same instant for the stored end of sessions (checked by a refresh) and the event.
      const at = (repo.update.mock.lastCall as [string, { sessionsEndedAt: number }])[1].sessionsEndedAt;
      expect(events.record).toHaveBeenLastCalledWith('password', USER_ID, undefined, at);
      expect(changed.revocations).toEqual([expect.objectContaining({ kind: 'user', userId: USER_ID })]);
      await service.update({ id: USER_ID, role: 'admin' }, admin);
      expect(events.record).toHaveBeenLastCalledWith('role', USER_ID, 'admin', expect.any(Number));
      await expect(service.delete(OTHER_ID)).resolves.toEqual([expect.objectContaining({ kind: 'user', userId: OTHER_ID })]);
      expect(events.record).toHaveBeenLastCalledWith('deleted', OTHER_ID);
    });

    it('records nothing when the change is refused', async () => {
      await expect(service.update({ id: OTHER_ID, password: 'x'.repeat(12) }, user)).rejects.toMatchObject({ status: 403 });
      await expect(service.delete(ADMIN_ID)).rejects.toMatchObject({ status: 409 });
      expect(events.record).not.toHaveBeenCalled();
    });
  });

  describe('role changes', () => {
    it('lets an admin change a role', async () => {
      await expect(service.update({ id: USER_ID, role: 'admin' }, admin)).resolves.toMatchObject({ user: { role: 'admin' } });
      expect(repo.update).toHaveBeenCalledWith(USER_ID, { role: 'admin' });
    });

    it('refuses a role change by a non-admin, even on their own account, and never writes', async () => {
      await expect(service.update({ id: USER_ID, role: 'admin' }, user)).rejects.toMatchObject({ status: 403 });
      expect(repo.update).not.toHaveBeenCalled();
    });

    it("refuses any change to another user's account by a non-admin", async () => {
      await expect(service.update({ id: OTHER_ID, username: 'bobby' }, user)).rejects.toMatchObject({ status: 403 });
      expect(repo.update).not.toHaveBeenCalled();
    });

    it('lets a user rename themself, and change their password only with the current one', async () => {
      await expect(service.update({ id: USER_ID, username: 'alicia' }, user)).resolves.toMatchObject({ user: { username: 'alicia' } });
      await expect(service.update({ id: USER_ID, password: 'new-password' }, user)).rejects.toMatchObject({ status: 400 });
      await expect(service.update({ id: USER_ID, password: 'new-password', currentPassword: 'nope' }, user)).rejects.toMatchObject({
        status: 403,
      });
      await expect(service.update({ id: USER_ID, password: 'new-password', currentPassword: 'alice-pw' }, user)).resolves.toBeDefined();
      expect(repo.update.mock.lastCall).toEqual([
        USER_ID,
        { passwordHash: 'hash:new-password', sessionsEndedAt: expect.any(Number) as number },
      ]);
    });

    it('refuses to demote the last admin, but allows it when another admin remains', async () => {
      await expect(service.update({ id: ADMIN_ID, role: 'user' }, admin)).rejects.toMatchObject({ status: 409 });
      store.set(OTHER_ID, record(OTHER_ID, 'bob', 'admin'));
      await expect(service.update({ id: ADMIN_ID, role: 'user' }, admin)).resolves.toMatchObject({ user: { role: 'user' } });
    });

    it('answers a duplicate username with 409', async () => {
      repo.update.mockRejectedValueOnce(new UsernameTakenError());
      await expect(service.update({ id: USER_ID, username: 'bob' }, admin)).rejects.toMatchObject({ status: 409 });
    });
  });

  describe('last admin', () => {
    it('refuses to delete the last admin', async () => {
      await expect(service.delete(ADMIN_ID)).rejects.toMatchObject({ status: 409 });
      expect(repo.delete).not.toHaveBeenCalled();
    });

    it('deletes an admin while another admin remains, and any user', async () => {
      store.set(OTHER_ID, record(OTHER_ID, 'bob', 'admin'));
      await service.delete(ADMIN_ID);
      await service.delete(USER_ID);
      expect([...store.keys()]).toEqual([OTHER_ID]);
    });

    it('answers an absent user with 404', async () => {
      await expect(service.delete('e'.repeat(24))).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('reads', () => {
    it('lets a user read themself but not another user (403 before any lookup)', async () => {
      await expect(service.findById(USER_ID, user)).resolves.toMatchObject({ username: 'alice' });
      repo.findById.mockClear();
      await expect(service.findById(OTHER_ID, user)).rejects.toMatchObject({ status: 403 });
      expect(repo.findById).not.toHaveBeenCalled();
    });

    it('never returns the hash; tells only a service (the refresh) when a password change ended the sessions', async () => {
      store.set(USER_ID, { ...store.get(USER_ID)!, sessionsEndedAt: 1234 });
      const dto = await service.findById(USER_ID, admin);
      expect(Object.keys(dto).sort()).toEqual(['createdAt', 'id', 'role', 'updatedAt', 'username']);
      expect(Object.keys(await service.findById(USER_ID, user)).sort()).toEqual(['createdAt', 'id', 'role', 'updatedAt', 'username']);
      await expect(service.findById(USER_ID, principal('auth', 'service'))).resolves.toMatchObject({ sessionsEndedAt: 1234 });
    });
  });

  describe('credentials', () => {
    it('accepts the right password, case-insensitively by name', async () => {
      await expect(service.verifyCredentials('ALICE', 'alice-pw')).resolves.toMatchObject({ id: USER_ID });
    });

    it('gives the same 401 for a wrong password and an unknown name, and still spends a verification on the unknown name', async () => {
      const wrong = (await service.verifyCredentials('alice', 'nope').catch((e: AppError) => e)) as AppError;
      const unknown = await service.verifyCredentials('nobody', 'nope').catch((e: AppError) => e);
      expect(wrong).toMatchObject({ status: 401 });
      expect(unknown).toMatchObject({ status: 401, code: wrong.code, message: wrong.message });
      expect(hasher.burn).toHaveBeenCalledTimes(1);
    });
  });

  describe('registration and seeding', () => {
    it('always registers a plain user', async () => {
      await service.register({ username: 'zed', password: 'password1' });
      expect(repo.create).toHaveBeenCalledWith(expect.objectContaining({ username: 'zed', role: 'user' }));
    });

    it('refuses registration when it is switched off', async () => {
      const config = loadConfig({ NODE_ENV: 'test', AUTH_REGISTRATION: 'false' });
      const closed = new UsersService(repo, hasher, events as unknown as SecurityEventsService, config);
      await expect(closed.register({ username: 'zed', password: 'password1' })).rejects.toMatchObject({ status: 403 });
    });

    it('creates admin on an empty database only, with ADMIN_PASSWORD when set', async () => {
      await service.onApplicationBootstrap();
      expect(repo.create).not.toHaveBeenCalled();
      store.clear();
      const seeded = new UsersService(
        repo,
        hasher,
        events as unknown as SecurityEventsService,
        loadConfig({ NODE_ENV: 'test', ADMIN_PASSWORD: 's3cret-admin' }),
      );
      await seeded.onApplicationBootstrap();
      expect(repo.create).toHaveBeenCalledWith({ username: 'admin', passwordHash: 'hash:s3cret-admin', role: 'admin' });
    });
  });
});
