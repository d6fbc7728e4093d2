import { connect } from '@nats-io/transport-node';
import { LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { BusEvent, EventBus, StreamLimits } from './event-bus.types';
import { JetStreamEventBus } from './jetstream-event-bus.service';
import { MemoryEventBus } from './memory-event-bus.service';

const limits = (): StreamLimits => ({ maxAgeMs: 60_000, maxMsgs: 10_000, perMessageTtl: true });
const SECRET = 'x'.repeat(40);

async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The same guarantees from both engines: one suite, run against each. */
function behaves(name: string, make: () => EventBus, cleanup: () => Promise<void> = async () => undefined) {
  describe(`${name} engine`, () => {
    let bus: EventBus;
    beforeEach(() => (bus = make()));
    afterEach(async () => {
      await bus.close();
      await cleanup();
    });

    it('hands events over in position order, from all kept ones or only new ones', async () => {
      await bus.publish('changes', 'rating.changed', { n: 1 });
      const all: BusEvent<{ n: number }>[] = [];
      const fresh: number[] = [];
      const a = await bus.follow<{ n: number }>('changes', { from: 'all', ack: 'each' }, (e) => void all.push(e));
      const b = await bus.follow<{ n: number }>('changes', { from: 'new', ack: 'each' }, (e) => void fresh.push(e.data.n));
      await bus.publish('changes', 'rating.deleted', { n: 2 });
      await until(() => all.length >= 2 && fresh.length >= 1);
      expect(all.map((e) => [e.subject, e.data.n])).toEqual([
        ['rating.changed', 1],
        ['rating.deleted', 2],
      ]);
      expect(all[1].seq).toBe(all[0].seq + 1);
      expect(fresh).toEqual([2]);
      const state = await bus.state('changes');
      expect(state.last).toBe(all[1].seq);
      await Promise.all([a.stop(), b.stop()]);
    });

    it('resumes a durable consumer after what it acknowledged, and publishes an id once', async () => {
      const seen: number[] = [];
      const first = await bus.follow<{ n: number }>('security', { durable: 'd1', from: 'all', ack: 'each' }, (e) => void seen.push(e.data.n));
      expect(await bus.publish('security', 'password', { n: 1 }, { id: 'e1' })).toBe(await bus.publish('security', 'password', { n: 1 }, { id: 'e1' }));
      await until(() => seen.length >= 1);
      await first.stop();
      await bus.publish('security', 'role', { n: 2 }, { id: 'e2' });
      const again = await bus.follow<{ n: number }>('security', { durable: 'd1', from: 'all', ack: 'each' }, (e) => void seen.push(e.data.n));
      await until(() => seen.length >= 2);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([1, 2]);
      await again.stop();
    });

    it('delivers an event again to a handler that failed, and keeps the order', async () => {
      const seen: number[] = [];
      let failures = 1;
      const sub = await bus.follow<{ n: number }>('revocations', { from: 'all', ack: 'each' }, (e) => {
        if (e.data.n === 1 && failures-- > 0) throw new Error('not yet');
        seen.push(e.data.n);
      });
      await bus.publish('revocations', 'session', { n: 1 });
      await bus.publish('revocations', 'session', { n: 2 });
      await until(() => seen.length >= 2, 5000);
      expect(seen).toEqual([1, 2]);
      await sub.stop();
    });

    it('starts a manual-ack durable again at an earlier position when the consumer asks (its saved state is older)', async () => {
      const seqs: number[] = [];
      for (let n = 1; n <= 3; n++) await bus.publish('catalog', 'written', { n });
      const { first } = await bus.state('catalog');
      const sub = await bus.follow('catalog', { durable: 'd2', exclusive: true, from: first, ack: 'manual' }, (e) => void seqs.push(e.seq));
      await until(() => seqs.length >= 3);
      sub.ack(first + 2);
      await sub.stop();
      const again: number[] = [];
      const restarted = await bus.follow('catalog', { durable: 'd2', exclusive: true, from: first + 1, ack: 'manual' }, (e) => void again.push(e.seq));
      // At least: a restart that handed over an acknowledged event again fails on the list, not on a timeout.
      await until(() => again.length >= 2);
      await new Promise((r) => setTimeout(r, 50));
      expect(again).toEqual([first + 1, first + 2]);
      await restarted.stop();
    });
  });
}

behaves('in-memory', () => new MemoryEventBus(limits));

describe('JetStream', () => {
  let nats: LocalNatsServer;
  let n = 0;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats?.stop();
  });
  // Each test on its own streams (a prefix of its own), as systems sharing one server do.
  const make = () => new JetStreamEventBus({ connection: { servers: [nats.url] }, subjectPrefix: `t${++n}.`, secret: SECRET, limits });
  behaves('JetStream', make);

  it('drops an event that was not published by a holder of the secret', async () => {
    const bus = make();
    const prefix = `t${n}.`;
    const seen: unknown[] = [];
    const sub = await bus.follow('revocations', { from: 'all', ack: 'each' }, (e) => void seen.push(e.data));
    const nc = await connect({ servers: nats.url });
    // A stranger on the NATS server: no signature, and one signed with another secret.
    await nc.request(`${prefix}events.revocations.session`, JSON.stringify({ forged: true }));
    const other = new JetStreamEventBus({ connection: { servers: [nats.url] }, subjectPrefix: prefix, secret: 'y'.repeat(40), limits });
    await other.publish('revocations', 'session', { forged: 2 });
    await bus.publish('revocations', 'session', { real: true });
    await until(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([{ real: true }]);
    await Promise.all([sub.stop(), nc.close(), other.close()]);
    await bus.close();
  });
});
