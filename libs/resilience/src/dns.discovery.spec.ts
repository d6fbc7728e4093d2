import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, DnsServer, Packet } from 'dns2';
import { waitFor } from '@app/common';
import { loadConfig } from '@app/config';
import { freePort } from '@app/dev-harness';
import { validateRecord } from './discovery.types';
import { ServiceRegistry } from './service-registry.service';

interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
}
interface Writer {
  write(value: number, bits: number): void;
}
const codecs = Packet as unknown as {
  Resource: { SRV: { encode(record: SrvRecord, writer: Writer): void } };
  Name: { encode(name: string): Buffer };
};
// dns2 compresses the target of an SRV answer, which RFC 2782 forbids (cluster DNS servers such as CoreDNS never
// do), and the c-ares of Node 24 rejects such answers with EBADRESP: write the target uncompressed, as they do.
codecs.Resource.SRV.encode = (record, writer) => {
  writer.write(record.priority, 16);
  writer.write(record.weight, 16);
  writer.write(record.port, 16);
  for (const byte of codecs.Name.encode(record.target)) writer.write(byte, 8);
};

/** A real DNS server on a free UDP port whose records the test changes, like Kubernetes does for a headless Service. */
class FakeKubeDns {
  a = new Map<string, string[]>();
  srv = new Map<string, { target: string; port: number; weight: number }[]>();
  answering = true;
  private server!: DnsServer;
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer({
      udp: true,
      handle: (request, send) => {
        if (!this.answering) return; // a DNS server that went away: the caller times out
        const response = Packet.createResponseFromRequest(request);
        const [question] = request.questions;
        const name = question.name.toLowerCase();
        if (question.type === Packet.TYPE.A) {
          for (const address of this.a.get(name) ?? []) {
            response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.A, ttl: 5, address }));
          }
        } else if (question.type === Packet.TYPE.SRV) {
          for (const r of this.srv.get(name) ?? []) {
            response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.SRV, ttl: 5, priority: 0, ...r }));
          }
        }
        void send(response);
      },
    });
    await this.server.listen({ udp: { port: this.port, address: '127.0.0.1' } });
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}

const until = (probe: () => boolean, ms: number, what: string) => waitFor(probe, ms, what, 20);

describe('REGISTRY=dns against a DNS server', () => {
  const dns = new FakeKubeDns();
  let registry: ServiceRegistry | undefined;

  beforeAll(() => dns.start());
  afterAll(() => dns.stop());
  afterEach(async () => {
    await registry?.onApplicationShutdown();
    registry = undefined;
  });

  const start = async (env: Record<string, string>) => {
    const config = loadConfig({
      NODE_ENV: 'test',
      REGISTRY: 'dns',
      SERVICE_SECRET: 'unit-test-service-secret-0123456789abcdef',
      REGISTRY_DNS_SERVER: `127.0.0.1:${dns.port}`,
      REGISTRY_POLL_MS: '100',
      REGISTRY_EXPIRE_MS: '400',
      ...env,
    });
    registry = new ServiceRegistry(config, ['movie', 'user']);
    await registry.onModuleInit();
    return registry;
  };
  const addresses = (r: ServiceRegistry, service: 'movie' | 'user' = 'movie') =>
    r
      .client(service)
      .instances.map((i) => `${i.spec.host}:${i.spec.port}:${i.spec.weight}`)
      .sort();

  it('follows the A records of a headless Service as pods come and go', async () => {
    dns.a.set('movie-headless.test.svc', ['10.0.0.1']);
    const r = await start({ SERVICES_MOVIE_DNS_NAME: 'movie-headless.test.svc', SERVICES_MOVIE_PORT: '8809' });
    expect(addresses(r)).toEqual(['10.0.0.1:8809:1']);
    const first = r.client('movie').instances[0];

    dns.a.set('movie-headless.test.svc', ['10.0.0.1', '10.0.0.2']);
    await until(() => addresses(r).length === 2, 2000, 'the new pod');
    expect(addresses(r)).toEqual(['10.0.0.1:8809:1', '10.0.0.2:8809:1']);
    // The instance that stayed keeps its client (and breaker history).
    expect(r.client('movie').instances).toContain(first);

    dns.a.set('movie-headless.test.svc', ['10.0.0.2']);
    await until(() => addresses(r).length === 1, 2000, 'the removed pod to leave');
    expect(addresses(r)).toEqual(['10.0.0.2:8809:1']);
    const status = r.status().find((s) => s.name === 'movie')!;
    expect(status.registry).toMatchObject({ source: 'dns', reachable: true });
    expect(status.instances[0]).toMatchObject({
      source: 'dns',
      metadata: { host: '10.0.0.2', port: '8809', dnsName: 'movie-headless.test.svc' },
    });

    // Scaled to zero: the name has no records, which is an answer (not an outage).
    dns.a.delete('movie-headless.test.svc');
    await until(() => addresses(r).length === 0, 2000, 'every pod to leave');
  });

  it('takes ports and weights from SRV records and ignores bad ones with a warning', async () => {
    dns.srv.set('_rpc._tcp.user-headless.test.svc', [
      { target: 'pod-a.user-headless.test.svc', port: 8808, weight: 3 },
      { target: 'pod-b.user-headless.test.svc', port: 8818, weight: 1 },
      { target: 'pod-c.user-headless.test.svc', port: 8828, weight: 0 },
    ]);
    dns.a.set('pod-a.user-headless.test.svc', ['10.0.1.1']);
    dns.a.set('pod-b.user-headless.test.svc', ['10.0.1.2']);
    dns.a.set('pod-c.user-headless.test.svc', ['10.0.1.3']);
    const r = await start({ SERVICES_USER_DNS_NAME: '_rpc._tcp.user-headless.test.svc' });
    expect(addresses(r, 'user')).toEqual(['10.0.1.1:8808:3', '10.0.1.2:8818:1']);

    dns.srv.set('_rpc._tcp.user-headless.test.svc', [{ target: 'pod-b.user-headless.test.svc', port: 8818, weight: 2 }]);
    await until(() => addresses(r, 'user').length === 1, 2000, 'pod-a to leave');
    await until(() => addresses(r, 'user')[0] === '10.0.1.2:8818:2', 2000, 'the new weight');
  });

  it('keeps the last known instances while the DNS server does not answer, and says so', async () => {
    dns.a.set('movie-headless.test.svc', ['10.0.0.7']);
    const r = await start({ SERVICES_MOVIE_DNS_NAME: 'movie-headless.test.svc', SERVICES_MOVIE_PORT: '8809' });
    expect(addresses(r)).toEqual(['10.0.0.7:8809:1']);
    dns.answering = false;
    try {
      await until(() => !r.registryState().reachable, 5000, 'the registry to be reported unreachable');
      await sleep(800); // longer than expireMs: still kept
      expect(addresses(r)).toEqual(['10.0.0.7:8809:1']);
      expect(r.registryState().lastError).toMatch(/movie-headless\.test\.svc/);
    } finally {
      dns.answering = true;
    }
    await until(() => r.registryState().reachable, 5000, 'the registry to answer again');
    expect(addresses(r)).toEqual(['10.0.0.7:8809:1']);
  });
});

describe('registry records', () => {
  const known = ['movie', 'user'] as const;
  it('refuses unknown services, bad ports and weights <= 0, and takes the rest', () => {
    expect(validateRecord({ id: 'a', service: 'films', host: 'h', port: 1 }, known)).toMatch(/unknown service/);
    expect(validateRecord({ id: 'a', service: 'movie', host: 'h', port: 70000 }, known)).toMatch(/bad port/);
    expect(validateRecord({ id: 'a', service: 'movie', host: 'h', port: 'x' }, known)).toMatch(/bad port/);
    expect(validateRecord({ id: 'a', service: 'movie', host: 'h', port: 1, weight: '0' }, known)).toMatch(/bad weight/);
    expect(validateRecord({ id: 'a', service: 'movie', host: 'h', port: 1, weight: -2 }, known)).toMatch(/bad weight/);
    expect(validateRecord({ id: 'a', service: 'movie', host: '', port: 1 }, known)).toMatch(/bad host/);
    expect(validateRecord({ service: 'movie', host: 'h', port: 1 }, known)).toMatch(/no instance id/);
    expect(validateRecord({ id: 'a', service: 'movie', host: 'h', port: '8809', weight: '3' }, known)).toMatchObject({
      service: 'movie',
      port: 8809,
      weight: 3,
    });
  });
});
