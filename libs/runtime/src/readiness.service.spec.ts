import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConnectionStates } from 'mongoose';
import { ReadinessModule } from './readiness.module';
import { ReadinessService } from './readiness.service';

/** A mongoose connection as far as a ping needs it. */
function connection(state: ConnectionStates, ping: () => Promise<unknown>) {
  return { readyState: state, db: { admin: () => ({ command: ping }) } };
}

async function readinessWith(conn: ReturnType<typeof connection>): Promise<ReadinessService> {
  // Global like mongoose's own connection module, which every service imports through DatabaseModule.
  @Global()
  @Module({ providers: [{ provide: getConnectionToken(), useValue: conn }], exports: [getConnectionToken()] })
  class FakeDatabaseModule {}
  const moduleRef = await Test.createTestingModule({ imports: [FakeDatabaseModule, ReadinessModule] }).compile();
  return moduleRef.get(ReadinessService);
}

describe('ReadinessService (terminus, the database connection faked)', () => {
  it('is ready with { database: "up" } when the database answers a ping', async () => {
    const readiness = await readinessWith(connection(ConnectionStates.connected, async () => ({ ok: 1 })));
    await expect(readiness.check()).resolves.toEqual({ ok: true, details: { database: 'up' } });
  });

  it('is not ready with { database: "down" } when the ping fails or the connection is not open', async () => {
    const failing = await readinessWith(connection(ConnectionStates.connected, () => Promise.reject(new Error('gone'))));
    await expect(failing.check()).resolves.toEqual({ ok: false, details: { database: 'down' } });
    const closed = await readinessWith(connection(ConnectionStates.disconnected, async () => ({ ok: 1 })));
    await expect(closed.check()).resolves.toEqual({ ok: false, details: { database: 'down' } });
  });
});
