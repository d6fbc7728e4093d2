import { MemoryEventBus } from './memory-event-bus.service';
import { OutboxPublisher } from './outbox.util';

interface Row {
  id: string;
}

/** An outbox store as a database keeps it: rows stay until removed, whatever the process does. */
function store(rows: Row[]) {
  return {
    rows,
    pending: async () => [...rows],
    remove: async (published: Row[]) => {
      for (const p of published) rows.splice(rows.findIndex((r) => r.id === p.id), 1);
    },
  };
}

const until = async (done: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('OutboxPublisher', () => {
  const limits = () => ({ maxAgeMs: 60_000, maxMsgs: 1000 });

  it('publishes what a crashed run left in the outbox at the next start, once per id, and empties it', async () => {
    const bus = new MemoryEventBus(limits);
    const db = store([{ id: 'a' }, { id: 'b' }]);
    const send = (r: Row) => bus.publish('changes', 'x', r, { id: r.id });
    // The first run published `a`, then died before removing it.
    await send({ id: 'a' });
    const outbox = new OutboxPublisher('test', db, send);
    expect(await outbox.drain()).toBe(2);
    await until(() => db.rows.length === 0);
    expect((await bus.state('changes')).last).toBe(2);
    await outbox.stop();
  });

  it('keeps an event whose publish failed in the outbox and publishes it again behind, with backoff', async () => {
    const db = store([{ id: 'a' }]);
    let up = false;
    const sent: string[] = [];
    const outbox = new OutboxPublisher('test', db, async (r: Row) => {
      if (!up) throw new Error('engine down');
      sent.push(r.id);
    });
    await expect(outbox.publish([{ id: 'a' }])).rejects.toThrow('engine down');
    expect(db.rows).toEqual([{ id: 'a' }]);
    up = true;
    await until(() => sent.length === 1 && db.rows.length === 0);
    await outbox.stop();
  });
});
