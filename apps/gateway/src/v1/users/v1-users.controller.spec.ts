import { Reflector } from '@nestjs/core';
import { USER_PATTERNS } from '@app/contracts';
import { RevocationListService } from '@app/auth';
import type { ServiceClient } from '@app/resilience';
import { routeAccess } from '../../auth/auth.guard';
import { SessionChangesService } from '../../identity/session-changes.service';
import { V1UsersController } from './v1-users.controller';

const ID = 'c'.repeat(24);
const user = (n: number) => ({ id: String(n).padStart(24, '0'), username: `user${n}`, role: 'user', createdAt: 't', updatedAt: 't' });

describe('V1UsersController', () => {
  const send = jest.fn(async (_pattern: string, _data: unknown): Promise<unknown> => user(1));
  const client = { send } as unknown as ServiceClient;
  const controller = new V1UsersController(client, new SessionChangesService(client, client, new RevocationListService()));
  beforeEach(() => send.mockClear());

  it('is for admins only, on every route', () => {
    for (const method of ['create', 'list', 'detail', 'byQuery', 'update', 'remove'] as const) {
      expect([method, routeAccess(new Reflector(), [V1UsersController.prototype[method], V1UsersController])]).toEqual([
        method,
        { public: false, roles: ['admin'] },
      ]);
    }
  });

  it('answers users in the v1 shape {id, name}', async () => {
    await expect(controller.detail(ID, 'tok')).resolves.toEqual({ id: user(1).id, name: 'user1' });
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.findById, { id: ID }, { token: 'tok', idempotent: true });
  });

  it('lists every user by reading the pages of the user service until the last', async () => {
    const all = Array.from({ length: 150 }, (_, i) => user(i));
    send.mockImplementation(async (_pattern, data) => {
      const { page, limit } = data as { page: number; limit: number };
      return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
    });
    const listed = await controller.list('tok');
    expect(listed).toHaveLength(150);
    expect(listed[149]).toEqual({ id: all[149].id, name: 'user149' });
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('answers the v1 messages for a missing name or password, before asking the user service', async () => {
    await expect(controller.create({ password: 'long-enough' }, 'tok')).rejects.toMatchObject({ status: 400, message: 'Name is empty' });
    await expect(controller.create({ name: 'bob' }, 'tok')).rejects.toMatchObject({ status: 400, message: 'Password is empty' });
    await expect(controller.update({ id: 'nope', name: 'bob', password: 'x' }, 'tok')).rejects.toMatchObject({ status: 400 });
    expect(send).not.toHaveBeenCalled();
  });

  it('creates and changes with v1 field names mapped to the user service, and answers {message: "Successfully"}', async () => {
    await expect(controller.create({ name: 'bob', password: 'long-enough' }, 'tok')).resolves.toEqual({ message: 'Successfully' });
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.create, { username: 'bob', password: 'long-enough' }, { token: 'tok' });
    await controller.update({ id: ID, name: 'bobby', password: 'long-enough' }, 'tok');
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.update, { id: ID, username: 'bobby', password: 'long-enough' }, { token: 'tok' });
  });
});
