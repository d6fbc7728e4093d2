import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as netConnect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { lastValueFrom } from 'rxjs';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { connect as natsConnect, NatsConnection } from '@nats-io/transport-node';
import * as contracts from '@app/contracts';
import { LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { ServiceCredential, signPacket, SigningSerializer } from '@app/resilience';
import { createUser, loginV2 } from './support/session';
import { GATEWAY_MAIN, PLATFORM_MAIN, ROOT, RunningSystem, startSystem } from './support/system';

/**
 * Trust between services (issue 14): every message needs the deployment's service credential, over TCP (here with
 * mutual TLS on top) and over NATS; the user service enforces its password and role rules and the auth service its
 * failed-login throttle whoever calls them; a flood from one address never locks the owner out from another.
 */

/** Every message pattern the services answer, from the constants in libs/contracts. */
const PATTERNS: string[] = Object.entries(contracts)
  .filter(([name]) => name.endsWith('_PATTERNS'))
  .flatMap(([, value]) => collectStrings(value));

function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(collectStrings);
  return [];
}

const SERVICES = ['auth', 'user', 'movie', 'recommendation'] as const;
const UNAUTHENTICATED = { status: 401, code: 1104 };
const envelope = (data: unknown = {}, meta: Record<string, unknown> = {}) => ({ meta, data });

interface Reply {
  err?: any;
  response?: unknown;
  closed?: string;
}

interface Tls {
  dir: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** A throwaway CA and one certificate (server and client use) for 127.0.0.1, made with openssl. */
function makeCertificates(): Tls {
  const dir = mkdtempSync(join(tmpdir(), 'trust-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=movie-platform test CA');
  run('req', ...ec, '-keyout', 'service.key', '-out', 'service.csr', '-subj', '/CN=movie-platform service');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  run(
    'x509',
    '-req',
    '-in',
    'service.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'service.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
  const read = (f: string) => readFileSync(join(dir, f));
  return { dir, ca: read('ca.crt'), cert: read('service.crt'), key: read('service.key') };
}

/** One request in Nest's TCP framing (`<length>#<json>`) on a raw socket, TLS or not; the first reply frame or why none came. */
function rawTcpCall(port: number, packet: object, tls?: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<Reply> {
  return new Promise((resolve) => {
    const socket: Socket = tls
      ? tlsConnect({ host: '127.0.0.1', port, ca: tls.ca, cert: tls.cert, key: tls.key })
      : netConnect({ host: '127.0.0.1', port });
    let buffer = '';
    const done = (reply: Reply) => {
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => done({ closed: 'no answer within 5 s' }), 5_000);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      const json = JSON.stringify(packet);
      socket.write(`${Buffer.byteLength(json)}#${json}`);
    });
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const hash = buffer.indexOf('#');
      if (hash < 0) return;
      const length = Number(buffer.slice(0, hash));
      if (Buffer.byteLength(buffer.slice(hash + 1)) < length) return;
      clearTimeout(timer);
      done(JSON.parse(buffer.slice(hash + 1, hash + 1 + length)) as Reply);
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      done({ closed: err.message });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      done({ closed: 'closed' });
    });
  });
}

/** An HTTP POST from a chosen local address (127.0.0.2, 127.0.0.3, ...): the gateway sees it as another client. */
function postFrom(
  localAddress: string,
  baseUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      `${baseUrl}${path}`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Every pattern to every service: never data; each pattern refused as unauthenticated by the service that has it. */
async function expectEveryPatternRefused(send: (service: (typeof SERVICES)[number], pattern: string) => Promise<Reply>): Promise<void> {
  const refusedBy = new Map<string, string[]>();
  for (const pattern of PATTERNS) {
    for (const service of SERVICES) {
      const reply = await send(service, pattern);
      expect([service, pattern, reply.response]).toEqual([service, pattern, undefined]);
      expect([service, pattern, reply.err ?? reply.closed]).toEqual([service, pattern, expect.anything()]);
      if (reply.err?.code === UNAUTHENTICATED.code) {
        expect(reply.err).toMatchObject(UNAUTHENTICATED);
        expect(JSON.stringify(reply.err)).not.toMatch(/stack|\.ts:|\.js:/);
        refusedBy.set(pattern, [...(refusedBy.get(pattern) ?? []), service]);
      } else {
        // A pattern this service does not have: the transport's "no handler" error (TCP) or no responder (NATS).
        expect([service, pattern, String(reply.err?.message ?? reply.err ?? reply.closed)]).toEqual([
          service,
          pattern,
          expect.stringMatching(/no matching message handler|no responders|503/i),
        ]);
      }
    }
  }
  // Each pattern is handled (and so refused) by exactly the one service that owns it.
  expect(PATTERNS.filter((p) => (refusedBy.get(p) ?? []).length !== 1)).toEqual([]);
}

describe('trust between services over TCP (split mode, mutual TLS, the launcher-generated SERVICE_SECRET)', () => {
  let system: RunningSystem;
  let tls: Tls;
  let secret: string;
  const portOf = (service: string) => system.state().apps.find((a) => a.service === service)!.port;
  const clients: ClientProxy[] = [];

  beforeAll(async () => {
    tls = makeCertificates();
    system = await startSystem({
      mode: 'split',
      env: {
        SERVICE_SECRET: '',
        SERVICE_TLS_ENABLED: 'true',
        SERVICE_TLS_CA_FILE: join(tls.dir, 'ca.crt'),
        SERVICE_TLS_CERT_FILE: join(tls.dir, 'service.crt'),
        SERVICE_TLS_KEY_FILE: join(tls.dir, 'service.key'),
        AUTH_REGISTRATION: 'true',
      },
    });
    // The launcher generated the deployment's secret and keeps it, owner-only, for `npm run start:instance`.
    const stateFile = join(system.dataDir, 'platform-state.json');
    secret = (JSON.parse(readFileSync(stateFile, 'utf8')) as { serviceSecret: string }).serviceSecret;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(secret).not.toBe(process.env.SERVICE_SECRET);
    expect(statSync(stateFile).mode & 0o077).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await system?.stop();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  });

  const nestClient = (service: string, signer?: ServiceCredential): ClientProxy => {
    const client = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: {
        host: '127.0.0.1',
        port: portOf(service),
        tlsOptions: { ca: tls.ca, cert: tls.cert, key: tls.key },
        ...(signer ? { serializer: new SigningSerializer(signer) } : {}),
      },
    });
    clients.push(client);
    return client;
  };
  const viaNest = (client: ClientProxy, pattern: string, data: unknown): Promise<Reply> =>
    lastValueFrom(client.send(pattern, data)).then(
      (response: unknown) => ({ response }),
      (err: unknown) => ({ err }),
    );
  let id = 0;
  const signed = (credential: ServiceCredential, pattern: string, data: unknown) =>
    signPacket(credential, { pattern, data, id: `t${++id}` });

  it('serves the public API through the gateway with every message signed and encrypted', async () => {
    const res = await fetch(`${system.baseUrl}/api/v2/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    expect(res.status).toBe(200);
  });

  it('refuses every pattern of every service to a raw Nest client without the credential (even with a client certificate)', async () => {
    const byService = Object.fromEntries(SERVICES.map((s) => [s, nestClient(s)]));
    await expectEveryPatternRefused((service, pattern) => viaNest(byService[service], pattern, envelope()));
  });

  it('refuses every pattern of every service to a raw TCP socket without the credential', async () => {
    await expectEveryPatternRefused((service, pattern) =>
      rawTcpCall(portOf(service), { pattern, data: envelope(), id: `raw-${++id}` }, { ca: tls.ca, cert: tls.cert, key: tls.key }),
    );
  });

  it('answers nothing to a client without TLS or without a client certificate', async () => {
    const plain = await rawTcpCall(portOf('user'), { pattern: contracts.SERVICE_PATTERNS.user.health, data: envelope(), id: 'plain' });
    expect(plain.response).toBeUndefined();
    expect(plain.closed).toBeDefined();
    const noCert = await rawTcpCall(
      portOf('user'),
      { pattern: contracts.SERVICE_PATTERNS.user.health, data: envelope(), id: 'nocert' },
      { ca: tls.ca },
    );
    expect(noCert.response).toBeUndefined();
    expect(noCert.closed).toBeDefined();
  });

  it('refuses a wrong secret, an expired message and a replayed one; the same message signed right is answered once', async () => {
    const health = contracts.SERVICE_PATTERNS.user.health;
    const wrong = new ServiceCredential('w'.repeat(43), 30_000);
    expect((await viaNest(nestClient('user', wrong), health, envelope())).err).toMatchObject(UNAUTHENTICATED);
    const late = new ServiceCredential(secret, 30_000, () => Date.now() - 31_000);
    const expired = await rawTcpCall(portOf('user'), signed(late, health, envelope()), tls);
    expect(expired.err).toMatchObject(UNAUTHENTICATED);
    const right = new ServiceCredential(secret, 30_000);
    const packet = signed(right, health, envelope());
    const first = await rawTcpCall(portOf('user'), packet, tls);
    expect(first.response).toMatchObject({ service: 'user', database: 'up' });
    const replayed = await rawTcpCall(portOf('user'), packet, tls);
    expect(replayed.response).toBeUndefined();
    expect(replayed.err).toMatchObject(UNAUTHENTICATED);
    // A signed message changed on the way (another body, or another pattern) is refused too.
    const tampered = { ...signed(right, health, envelope()), data: envelope({ extra: true }) };
    expect((await rawTcpCall(portOf('user'), tampered, tls)).err).toMatchObject(UNAUTHENTICATED);
    const moved = { ...signed(right, health, envelope()), pattern: contracts.USER_PATTERNS.register };
    expect((await rawTcpCall(portOf('user'), moved, tls)).err).toMatchObject(UNAUTHENTICATED);
  });

  it('creates no account from an unsigned user.register: no side effect', async () => {
    const username = `intruder-${Date.now()}`;
    const reply = await rawTcpCall(
      portOf('user'),
      { pattern: contracts.USER_PATTERNS.register, data: envelope({ username, password: 'long-enough-password' }), id: 'reg' },
      tls,
    );
    expect(reply.err).toMatchObject(UNAUTHENTICATED);
    const login = await fetch(`${system.baseUrl}/api/v2/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'long-enough-password' }),
    });
    expect(login.status).toBe(401);
  });

  it('the user service enforces the password policy and the role rules itself, even for a caller with the credential', async () => {
    const right = new ServiceCredential(secret, 30_000);
    const user = nestClient('user', right);
    for (const password of ['x', 'short7!', 'p'.repeat(129)]) {
      const reply = await viaNest(
        user,
        contracts.USER_PATTERNS.register,
        envelope({ username: `weak-${password.length}-${Date.now()}`, password }),
      );
      expect([password.length, reply.err]).toEqual([password.length, expect.objectContaining({ status: 400 })]);
    }
    const fine = await viaNest(user, contracts.USER_PATTERNS.register, envelope({ username: `fine-${Date.now()}`, password: 'eight-ok' }));
    expect(fine.response).toMatchObject({ role: 'user' });
    // A user token may not set a role, nor a short password, on its own account.
    const admin = await loginV2(system.baseUrl, 'admin', 'admin');
    const member = await createUser(system.baseUrl, admin.accessToken, { prefix: 'member' });
    const promote = await viaNest(
      user,
      contracts.USER_PATTERNS.update,
      envelope({ id: member.id, role: 'admin' }, { token: member.token }),
    );
    expect(promote.err).toMatchObject({ status: 403 });
    const weak = await viaNest(
      user,
      contracts.USER_PATTERNS.update,
      envelope({ id: member.id, password: 'x', currentPassword: member.password }, { token: member.token }),
    );
    expect(weak.err).toMatchObject({ status: 400 });
    // Creating an account (with a role) needs an admin principal.
    const account = { username: `made-${Date.now()}`, password: 'eight-ok', role: 'admin' };
    expect((await viaNest(user, contracts.USER_PATTERNS.create, envelope(account))).err).toMatchObject({ status: 401 });
    expect((await viaNest(user, contracts.USER_PATTERNS.create, envelope(account, { token: member.token }))).err).toMatchObject({
      status: 403,
    });
  });

  it('the auth service throttles failed logins itself: 12 wrong passwords straight to it end in 429 with a retry time', async () => {
    const auth = nestClient('auth', new ServiceCredential(secret, 30_000));
    const answers: Reply[] = [];
    for (let i = 0; i < 12; i++)
      answers.push(await viaNest(auth, contracts.AUTH_PATTERNS.login, envelope({ username: 'admin', password: `wrong-${i}` })));
    expect(answers.slice(0, 10).map((a) => a.err?.status)).toEqual(Array(10).fill(401));
    for (const a of answers.slice(10)) {
      expect(a.err).toMatchObject({ status: 429, code: 1102 });
      expect(a.err.retryAfter).toBeGreaterThanOrEqual(1);
    }
    // Even the right password waits: the throttle answers before the credentials are checked.
    expect((await viaNest(auth, contracts.AUTH_PATTERNS.login, envelope({ username: 'admin', password: 'admin' }))).err).toMatchObject({
      status: 429,
    });
  });

  it('a flood of wrong passwords from one client gets 429 with Retry-After; the owner signs in from another address', async () => {
    const flood = [];
    for (let i = 0; i < 12; i++)
      flood.push(await postFrom('127.0.0.2', system.baseUrl, '/api/v2/auth/login', { username: 'admin', password: `guess-${i}` }));
    expect(flood.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(401));
    for (const r of flood.slice(10)) {
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ code: 1102, message: expect.any(String) });
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect((await postFrom('127.0.0.2', system.baseUrl, '/api/v2/auth/login', { username: 'admin', password: 'admin' })).status).toBe(429);
    const owner = await postFrom('127.0.0.3', system.baseUrl, '/api/v2/auth/login', { username: 'admin', password: 'admin' });
    expect(owner.status).toBe(200);
    expect(owner.body.accessToken).toEqual(expect.any(String));
  });
});

describe('trust between services over NATS', () => {
  let nats: LocalNatsServer;
  let system: RunningSystem;
  let nc: NatsConnection;
  const secret = `nats-${'k'.repeat(40)}`;
  const prefix = () => `e2e${system.port}.`;

  beforeAll(async () => {
    nats = await startNatsServer();
    system = await startSystem({ mode: 'single', env: { TRANSPORT: 'nats', NATS_URL: nats.url, SERVICE_SECRET: secret } });
    nc = await natsConnect({ servers: nats.url });
  });

  afterAll(async () => {
    try {
      await nc?.close();
      await system?.stop();
    } finally {
      await nats?.stop();
    }
  });

  let id = 0;
  const natsCall = async (pattern: string, packet: object): Promise<Reply> => {
    try {
      const msg = await nc.request(`${prefix()}${pattern}`, JSON.stringify(packet), { timeout: 5_000 });
      if (msg.data.length === 0) return { closed: `status ${msg.headers?.code ?? 'empty'}` };
      return msg.json<Reply>();
    } catch (err) {
      return { closed: (err as Error).message };
    }
  };

  it('refuses every pattern of every service to a raw NATS client without the credential', async () => {
    // Over NATS the subject picks the service: each pattern goes once, and the service subscribed to it must refuse it.
    for (const pattern of PATTERNS) {
      const reply = await natsCall(pattern, { pattern, data: envelope(), id: `n${++id}` });
      expect([pattern, reply.response, reply.err]).toEqual([pattern, undefined, expect.objectContaining(UNAUTHENTICATED)]);
    }
  });

  it('refuses a wrong secret and a replayed message; the right one is answered once', async () => {
    const health = contracts.SERVICE_PATTERNS.movie.health;
    const wrong = signPacket(new ServiceCredential('w'.repeat(40), 30_000), { pattern: health, data: envelope(), id: 'w1' });
    expect((await natsCall(health, wrong)).err).toMatchObject(UNAUTHENTICATED);
    const packet = signPacket(new ServiceCredential(secret, 30_000), { pattern: health, data: envelope(), id: 'r1' });
    expect((await natsCall(health, packet)).response).toMatchObject({ service: 'movie' });
    const replay = await natsCall(health, packet);
    expect(replay.response).toBeUndefined();
    expect(replay.err).toMatchObject(UNAUTHENTICATED);
    // Signed for one subject, sent to another: refused.
    const moved = signPacket(new ServiceCredential(secret, 30_000), { pattern: health, data: envelope(), id: 'm1' });
    expect((await natsCall(contracts.USER_PATTERNS.register, moved)).err).toMatchObject(UNAUTHENTICATED);
  });

  it('still serves the API through the gateway over NATS', async () => {
    const res = await fetch(`${system.baseUrl}/api/v2/genres`);
    expect(res.status).toBe(200);
  });
});

describe('the service secret at start-up', () => {
  const start = (main: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [main], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  const production = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), ADMIN_PASSWORD: 'a-long-operator-chosen-password' };

  it('production refuses a missing or short SERVICE_SECRET, naming the variable, before starting anything', () => {
    for (const secret of ['', 'too-short-for-a-secret']) {
      const result = start(PLATFORM_MAIN, { ...production, SERVICE_SECRET: secret });
      expect([secret, result.status]).toEqual([secret, 2]);
      expect(result.stderr).toContain('SERVICE_SECRET');
      expect(result.stderr).not.toContain('embedded');
    }
  });

  it('an app started on its own without SERVICE_SECRET stops and says how to provide one', () => {
    const result = start(GATEWAY_MAIN, { NODE_ENV: 'test', SERVICE_SECRET: '', PORT: '0' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('SERVICE_SECRET is not set');
  });
});
