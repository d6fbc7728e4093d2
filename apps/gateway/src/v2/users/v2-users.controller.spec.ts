import { Reflector } from '@nestjs/core';
import { AppError } from '@app/common';
import { USER_PATTERNS } from '@app/contracts';
import { RevocationListService } from '@app/auth';
import type { ServiceClient } from '@app/resilience';
import { routeAccess } from '../../auth/auth.guard';
import { SessionChangesService } from '../../identity/session-changes.service';
import { V2UsersController } from './v2-users.controller';

const ID = 'b'.repeat(24);
const USER = { id: ID, username: 'bob', role: 'user', createdAt: 't', updatedAt: 't' };

/** The user service decides again with the forwarded token; the gateway adds the route's roles and the message shape. */
describe('V2UsersController', () => {
  const send = jest.fn(async (): Promise<unknown> => USER);
  const client = { send } as unknown as ServiceClient;
  const controller = new V2UsersController(client, new SessionChangesService(client, client, new RevocationListService()));
  const access = (method: keyof V2UsersController) =>
    routeAccess(new Reflector(), [V2UsersController.prototype[method], V2UsersController]);
  beforeEach(() => send.mockClear());

  it('lets only admins create, list and delete; anyone signed in reads or changes (the user service limits them to themselves)', () => {
    for (const adminOnly of ['create', 'list', 'remove'] as const)
      expect([adminOnly, access(adminOnly)]).toEqual([adminOnly, { public: false, roles: ['admin'] }]);
    for (const own of ['get', 'update'] as const) expect([own, access(own)]).toEqual([own, { public: false, roles: [] }]);
  });

  it('sends reads as retryable and writes never, each with the caller token', async () => {
    await controller.get(ID, 'tok');
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.findById, { id: ID }, { token: 'tok', idempotent: true });
    await controller.list({ page: 2, limit: 5, q: 'al' }, 'tok');
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.list, { page: 2, limit: 5, q: 'al' }, { token: 'tok', idempotent: true });
    await controller.create({ username: 'bob', password: 'long-enough', role: 'user' }, 'tok');
    expect(send).toHaveBeenLastCalledWith(
      USER_PATTERNS.create,
      { username: 'bob', password: 'long-enough', role: 'user' },
      { token: 'tok' },
    );
    await controller.remove(ID, 'tok');
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.delete, { id: ID }, { token: 'tok' });
  });

  it('changes the user of the path, whatever id the body carries, and answers the user of the reply', async () => {
    send.mockResolvedValueOnce({ user: USER, revocations: [] });
    await expect(controller.update(ID, { username: 'bobby', id: 'c'.repeat(24) } as never, 'tok')).resolves.toEqual(USER);
    expect(send).toHaveBeenLastCalledWith(USER_PATTERNS.update, { username: 'bobby', id: ID }, { token: 'tok' });
  });

  it("passes the user service's refusal on unchanged (the HTTP filter turns it into {code, message})", async () => {
    send.mockRejectedValueOnce(AppError.forbidden('You may only read your own account'));
    await expect(controller.get(ID, 'tok')).rejects.toMatchObject({ status: 403, message: 'You may only read your own account' });
  });
});
