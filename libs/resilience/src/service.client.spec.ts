import { ClientProxy } from '@nestjs/microservices';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { AppError, ErrorCode } from '@app/common';
import { loadConfig } from '@app/config';
import type { RpcEnvelope } from '@app/contracts';
import { BufferedTrace, SpanKind, startSpan, startTracing, stopTracing, traceBuffer, withActiveSpan } from '@app/observability';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { InstanceClient } from './instance.client';
import type { ResilienceOptions } from './resilience-options.types';
import { ServiceClient } from './service.client';
import { resilienceFor } from './service-registry.service';

const OPTIONS: ResilienceOptions = {
  callTimeoutMs: 30,
  breaker: 'consecutive',
  maxFailures: 3,
  samplingThreshold: 0.5,
  samplingDurationMs: 10_000,
  samplingMinimumRps: 5,
  resetTimeoutMs: 4_000,
  resetBackoffFactor: 2,
  resetTimeoutMaxMs: 60_000,
  maxConcurrent: 10,
  maxQueue: 10,
  retryAttempts: 2,
  retryDelayMs: 1,
};

type Reply = () => Observable<unknown>;

/** A stand-in transport client for unit specs: answers with whatever `reply` says and counts what it was sent. */
class FakeProxy {
  sent = 0;
  constructor(public reply: Reply) {}
  send(): Observable<unknown> {
    this.sent++;
    return this.reply();
  }
  close(): void {}
}

const answer =
  (value: unknown): Reply =>
  () =>
    of(value);
const rpcError =
  (status: number): Reply =>
  () =>
    throwError(() => ({ status, code: 1, message: `status ${status}` }));
const refused: Reply = () => throwError(() => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
const hang: Reply = () => NEVER;

function serviceWith(replies: Reply[], weights = replies.map(() => 1), options = OPTIONS) {
  const proxies = replies.map((r) => new FakeProxy(r));
  const instances = proxies.map(
    (p, i) =>
      new InstanceClient(
        'movie',
        `movie-${i + 1}`,
        { host: '127.0.0.1', port: 9000 + i, weight: weights[i] },
        p as unknown as ClientProxy,
        options,
      ),
  );
  return { client: new ServiceClient('movie', 'tcp', instances, options), proxies, instances };
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected the call to fail');
}

describe('ServiceClient', () => {
  it('never opens a breaker on business errors', async () => {
    const { client, proxies, instances } = serviceWith([rpcError(404)]);
    for (let i = 0; i < 20; i++) {
      const err = await failureOf(client.send('movie.find', {}));
      expect(err).toMatchObject({ status: 404, message: 'status 404' });
    }
    expect(proxies[0].sent).toBe(20);
    expect(instances[0].state).toBe('closed');
    expect(instances[0].counts).toEqual({ success: 20, failure: 0, timeout: 0, rejected: 0 });
  });

  it('ends a hung call at the timeout and opens the breaker after maxFailures timeouts', async () => {
    const { client, proxies, instances } = serviceWith([hang]);
    for (let i = 0; i < OPTIONS.maxFailures; i++) {
      const started = Date.now();
      const err = await failureOf(client.send('movie.health', {}));
      expect(err).toMatchObject({ status: 503, code: ErrorCode.UPSTREAM_TIMEOUT });
      // Ended by the timeout, not earlier (a hang would end at jest's timeout instead).
      expect(Date.now() - started).toBeGreaterThanOrEqual(OPTIONS.callTimeoutMs - 5);
    }
    expect(instances[0].state).toBe('open');
    expect(instances[0].counts.timeout).toBe(OPTIONS.maxFailures);
    const started = Date.now();
    const err = await failureOf(client.send('movie.health', {}));
    expect(Date.now() - started).toBeLessThan(OPTIONS.callTimeoutMs);
    expect(err).toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(proxies[0].sent).toBe(OPTIONS.maxFailures);
    expect(instances[0].counts.rejected).toBe(1);
  });

  it('counts server faults (5xx) as failures and hides their message', async () => {
    const { client, instances } = serviceWith([rpcError(500)]);
    const err = await failureOf(client.send('movie.create', {}));
    expect(err).toMatchObject({ status: 500, message: 'Internal server error' });
    expect(instances[0].counts.failure).toBe(1);
  });

  it('sends the calls of one affinity key to one instance, and to another while that one refuses them', async () => {
    const { client, proxies } = serviceWith([answer('a'), answer('b'), answer('c')]);
    const keys = Array.from({ length: 30 }, (_, i) => `movie-${i}`);
    const owners = new Map<string, string>();
    for (const key of keys) owners.set(key, await client.send<string>('movie.rate', {}, { affinity: key }));
    // Again and in another order: the same owner for every key, and the keys spread over all three.
    for (const key of [...keys].reverse()) await expect(client.send('movie.rate', {}, { affinity: key })).resolves.toBe(owners.get(key));
    expect(new Set(owners.values()).size).toBe(3);
    // Without a key, round-robin as before.
    const before = proxies.map((p) => p.sent);
    for (let i = 0; i < 3; i++) await client.send('movie.rate', {});
    expect(proxies.map((p, i) => p.sent - before[i])).toEqual([1, 1, 1]);
    // The owner's socket refuses: the call goes to another instance instead of failing.
    const key = keys.find((k) => owners.get(k) === 'a')!;
    proxies[0].reply = refused;
    await expect(client.send('movie.rate', {}, { affinity: key })).resolves.toMatch(/^[bc]$/);
  });

  it('retries a failed idempotent read on another instance', async () => {
    const { client, proxies } = serviceWith([rpcError(500), answer('from b')]);
    await expect(client.send('movie.find', {}, { idempotent: true })).resolves.toBe('from b');
    expect(proxies.map((p) => p.sent)).toEqual([1, 1]);
  });

  it('retries an idempotent read up to retryAttempts times, with one instance too', async () => {
    const { client, proxies } = serviceWith([rpcError(500)]);
    await failureOf(client.send('movie.find', {}, { idempotent: true }));
    expect(proxies[0].sent).toBe(1 + OPTIONS.retryAttempts);
  });

  it('never retries a write that reached a server', async () => {
    const { client, proxies } = serviceWith([rpcError(500), answer('from b')]);
    const err = await failureOf(client.send('movie.create', {}));
    expect(err.status).toBe(500);
    expect(proxies.map((p) => p.sent)).toEqual([1, 0]);
  });

  it('moves any call, even a write, to another instance when the connection is refused', async () => {
    const { client, proxies, instances } = serviceWith([refused, answer('from b')]);
    await expect(client.send('movie.create', {})).resolves.toBe('from b');
    expect(proxies.map((p) => p.sent)).toEqual([1, 1]);
    expect(instances[0].counts.failure).toBe(1);
  });

  it('never retries a business error', async () => {
    const { client, proxies } = serviceWith([rpcError(404), answer('from b')]);
    expect((await failureOf(client.send('movie.find', {}, { idempotent: true }))).status).toBe(404);
    expect(proxies.map((p) => p.sent)).toEqual([1, 0]);
  });

  it('balances 3:1 and skips an instance whose breaker is open', async () => {
    const { client, proxies, instances } = serviceWith([answer('a'), answer('b')], [3, 1]);
    const seen: unknown[] = [];
    for (let i = 0; i < 8; i++) seen.push(await client.send('movie.find', {}));
    expect(seen.join('')).toBe('aabaaaba');
    proxies[0].reply = refused;
    // Refused calls move to b at once; after maxFailures of them a's breaker is open and a is no longer tried.
    for (let i = 0; i < 20; i++) await expect(client.send('movie.find', {})).resolves.toBe('b');
    expect(instances[0].state).toBe('open');
    expect(proxies[0].sent).toBe(6 + OPTIONS.maxFailures);
  });

  it('keeps reads flowing while the write lane of the same instance is open', async () => {
    let failing = true;
    const { client, instances } = serviceWith([() => (failing ? rpcError(500)() : of('ok'))]);
    for (let i = 0; i < OPTIONS.maxFailures; i++) await failureOf(client.send('movie.rate', {}));
    failing = false;
    expect(instances[0].status().groups.write.state).toBe('open');
    expect(instances[0].state).toBe('open');
    const shed = await failureOf(client.send('movie.rate', {}));
    expect(shed).toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE });
    await expect(client.send('movie.find', {}, { idempotent: true })).resolves.toBe('ok');
    expect(instances[0].status().groups.read).toMatchObject({ state: 'closed', calls: { success: 1, failure: 0 } });
  });

  it('fails fast with 503 and Retry-After when every breaker is open', async () => {
    const { client, proxies } = serviceWith([refused, refused]);
    for (let i = 0; i < OPTIONS.maxFailures; i++) await failureOf(client.send('movie.find', {}, { idempotent: true }));
    const sentBefore = proxies.map((p) => p.sent);
    const started = Date.now();
    const err = await failureOf(client.send('movie.find', {}, { idempotent: true }));
    // Fails fast: nothing sent (below) and no wait for a timeout, however busy the machine is.
    expect(Date.now() - started).toBeLessThan(OPTIONS.callTimeoutMs);
    expect(err).toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(err.retryAfter).toBe(OPTIONS.resetTimeoutMs / 1000);
    expect(proxies.map((p) => p.sent)).toEqual(sentBefore);
  });

  it('lets one trial through after the reset timeout and closes on success', async () => {
    const options = { ...OPTIONS, resetTimeoutMs: 50 };
    const { client, proxies, instances } = serviceWith([refused], [1], options);
    for (let i = 0; i < options.maxFailures; i++) await failureOf(client.send('movie.find', {}));
    expect(instances[0].state).toBe('open');
    proxies[0].reply = answer('back');
    await new Promise((r) => setTimeout(r, 60));
    await expect(client.send('movie.find', {})).resolves.toBe('back');
    expect(instances[0].state).toBe('closed');
  });

  it('sends nothing else to a half-open instance while its trial call runs', async () => {
    const options = { ...OPTIONS, resetTimeoutMs: 40, callTimeoutMs: 150 };
    const { client, instances } = serviceWith([hang, answer('b')], [1, 1], options);
    for (let i = 0; i < options.maxFailures; i++) await instances[0].send('movie.find', {}).catch(() => undefined);
    expect(instances[0].state).toBe('open');
    await new Promise((r) => setTimeout(r, 50));
    const trial = instances[0].send('movie.find', {}).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 5));
    expect(instances[0].state).toBe('half-open');
    const started = Date.now();
    for (let i = 0; i < 4; i++) await expect(client.send('movie.find', {})).resolves.toBe('b');
    // None of them queued behind the hung trial, which only ends at its timeout.
    expect(Date.now() - started).toBeLessThan(options.callTimeoutMs);
    await trial;
    expect(instances[0].state).toBe('open');
  });

  it('doubles the wait before the next trial when a trial fails', async () => {
    const options = { ...OPTIONS, resetTimeoutMs: 40 };
    const { client, instances } = serviceWith([refused], [1], options);
    for (let i = 0; i < options.maxFailures; i++) await failureOf(client.send('movie.find', {}));
    await new Promise((r) => setTimeout(r, 50));
    await failureOf(client.send('movie.find', {}));
    expect(instances[0].state).toBe('open');
    expect(instances[0].msUntilTrial()).toBeGreaterThan(60);
    expect(instances[0].msUntilTrial()).toBeLessThanOrEqual(80);
  });

  it('serves a declared fallback when the service cannot answer, never for a business error', async () => {
    const fallback = jest.fn(() => 'popular picks');
    const down = serviceWith([refused]);
    await expect(down.client.send('rec.for', {}, { fallback })).resolves.toBe('popular picks');
    expect(fallback).toHaveBeenCalledWith(expect.objectContaining({ status: 503 }));
    const notFound = serviceWith([rpcError(404)]);
    expect((await failureOf(notFound.client.send('rec.for', {}, { fallback }))).status).toBe(404);
    expect(fallback).toHaveBeenCalledTimes(1);
  });

  it('reports per-instance status for the admin endpoint', async () => {
    const { client } = serviceWith([answer('a'), rpcError(404)], [3, 1]);
    for (let i = 0; i < 4; i++) await client.send('movie.find', {}).catch(() => undefined);
    const status = client.status();
    expect(status).toMatchObject({ name: 'movie', transport: 'tcp' });
    expect(status.instances).toEqual([
      expect.objectContaining({
        id: 'movie-1',
        port: 9000,
        weight: 3,
        state: 'closed',
        inFlight: 0,
        calls: { success: 3, failure: 0, timeout: 0, rejected: 0 },
      }),
      expect.objectContaining({
        id: 'movie-2',
        port: 9001,
        weight: 1,
        state: 'closed',
        calls: { success: 1, failure: 0, timeout: 0, rejected: 0 },
      }),
    ]);
  });
});

describe('ServiceClient with the sampling breaker', () => {
  const sampling: ResilienceOptions = {
    ...OPTIONS,
    breaker: 'sampling',
    samplingThreshold: 0.5,
    samplingDurationMs: 1000,
    samplingMinimumRps: 5,
  };

  it('opens once failures pass the threshold over the window', async () => {
    const { client, instances } = serviceWith([rpcError(500)], [1], sampling);
    for (let i = 0; i < 10; i++) await failureOf(client.send('movie.find', {}));
    expect(instances[0].state).toBe('open');
  });

  it('stays closed through a storm of business errors', async () => {
    const { client, instances } = serviceWith([rpcError(404)], [1], sampling);
    for (let i = 0; i < 30; i++) await failureOf(client.send('movie.find', {}));
    expect(instances[0].state).toBe('closed');
  });
});

describe('resilienceFor', () => {
  it('lays a service’s own overrides over the defaults', () => {
    const config = loadConfig({ NODE_ENV: 'development', RESILIENCE_CALL_TIMEOUT_MS: '900' });
    config.services.recommendation.resilience = { callTimeoutMs: 5000 };
    expect(resilienceFor(config, 'recommendation')).toMatchObject({ callTimeoutMs: 5000, maxFailures: config.resilience.maxFailures });
    expect(resilienceFor(config, 'movie').callTimeoutMs).toBe(900);
  });
});

describe('ServiceClient with tracing on', () => {
  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', TRACING_ENABLED: 'true', TRACING_SLOW_MS: '0' });
    expect(await startTracing(config, { service: 'gateway', keepSlow: true }, {})).toBe(true);
  });
  afterAll(() => stopTracing());

  /** The call inside a request's span, as the gateway makes it; the request's trace as the buffer kept it. */
  async function traced<T>(call: () => Promise<T>): Promise<BufferedTrace> {
    const root = startSpan('GET /test', SpanKind.SERVER, {}, ROOT_CONTEXT)!;
    await withActiveSpan(root, call).catch(() => undefined);
    root.end();
    return traceBuffer()!.recent()[0];
  }

  it('records a client span per call, child of the request, and sends its trace context with the message', async () => {
    const sent: unknown[] = [];
    const { client, proxies } = serviceWith([answer('ok')]);
    const proxy = proxies[0];
    const original = proxy.send.bind(proxy);
    proxy.send = ((_pattern: string, payload: unknown) => (sent.push(payload), original())) as typeof proxy.send;
    const trace = await traced(() => client.send('catalog.movies.get', { id: 1 }, { idempotent: true }));
    const [root, call] = trace.spans;
    expect(call).toMatchObject({ parentId: root.spanId, kind: 'client', name: 'movie catalog.movies.get', error: false });
    expect(call.attributes).toMatchObject({
      'rpc.service': 'movie',
      'rpc.method': 'catalog.movies.get',
      'rpc.system': 'nest_tcp',
      'resilience.group': 'read',
    });
    expect(call.events).toEqual([
      expect.objectContaining({ name: 'attempt', attributes: { 'resilience.instance': 'movie-1', 'resilience.breaker.state': 'closed' } }),
    ]);
    const meta = (sent[0] as RpcEnvelope).meta;
    expect(meta.traceparent).toBe(`00-${trace.traceId}-${call.spanId}-01`);
  });

  it('marks retries, the open breaker and the fallback as events of the call', async () => {
    const { client } = serviceWith([refused, rpcError(503)], [1, 1], { ...OPTIONS, maxFailures: 1, retryAttempts: 1 });
    const first = await traced(() => client.send('catalog.movies.get', {}, { idempotent: true }));
    const names = first.spans[1].events.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['attempt', 'refused']));
    expect(first.spans[1].error).toBe(true);
    // Both breakers open now: the call is answered by the fallback without trying any instance.
    const second = await traced(() => client.send('catalog.movies.get', {}, { idempotent: true, fallback: () => 'popular' }));
    expect(second.spans[1].events.map((e) => e.name)).toEqual(['breaker.open', 'fallback']);
    expect(second.spans[1].error).toBe(false);
  });

  it('starts no trace for a call outside a request', async () => {
    const { client } = serviceWith([answer('ok')]);
    const before = traceBuffer()!.recent().length;
    await client.send('movie.health', {});
    expect(traceBuffer()!.recent()).toHaveLength(before);
  });
});
