import { ChildProcess, spawn } from 'node:child_process';
import { freePort, LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { api, GATEWAY_MAIN, isAlive, PLATFORM_MAIN, ROOT, RunningSystem, startSystem, waitFor } from './support/system';
import { mintToken } from './support/tokens';

interface Instance {
  id: string;
  weight: number;
  state: string;
  source: string;
  metadata: Record<string, string>;
  lastSeen: string;
  calls: { success: number; failure: number; timeout: number; rejected: number };
}

interface Started {
  proc: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<void>;
}

/** Split mode over TCP with REGISTRY=nats on the test's own NATS server: movie instances come and go while reads run. */
describe('registry: instances join and leave a running split system (REGISTRY=nats)', () => {
  const admin = mintToken('admin');
  const prefix = `registry${process.pid}.`;
  let nats: LocalNatsServer;
  let system: RunningSystem;
  const started: Started[] = [];
  let gateway: ChildProcess | undefined;

  const services = async (baseUrl = system.baseUrl) => {
    const res = await api(baseUrl, admin).get('/api/v2/admin/services');
    expect(res.status).toBe(200);
    return res.body.services as { name: string; registry: { source: string; reachable: boolean }; instances: Instance[] }[];
  };
  const movies = async (baseUrl?: string) => (await services(baseUrl)).find((s) => s.name === 'movie')!.instances;
  /** The instance id announces the pid: `movie@host:<pid>:<port>`. */
  const ofPid = (list: Instance[], pid: number) => list.find((i) => i.metadata.instance?.includes(`:${pid}:`));
  const read = () => api(system.baseUrl).get('/api/v2/genres');

  /** `npm run start:instance -- movie --weight N`, against the system's DATA_DIR. */
  const startInstance = (weight: number): Started => {
    const proc = spawn(process.execPath, [PLATFORM_MAIN, 'instance', 'movie', '--weight', String(weight)], {
      cwd: ROOT,
      // info: the instance logs when it is announced and when it has left.
      env: { ...process.env, NODE_ENV: 'test', DATA_DIR: system.dataDir, MONGO_URI: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    const s = { proc, pid: proc.pid!, output: () => out, exited };
    started.push(s);
    return s;
  };
  const announced = (s: Started) =>
    waitFor(async () => s.output().includes('announced on NATS'), 60_000, `instance ${s.pid} to announce itself`);

  beforeAll(async () => {
    nats = await startNatsServer();
    system = await startSystem({ mode: 'split', env: { REGISTRY: 'nats', NATS_URL: nats.url, NATS_SUBJECT_PREFIX: prefix } });
  });
  afterAll(async () => {
    for (const s of started) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
    if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
    if (system) await system.stop();
    await nats?.stop();
  });

  it('lists the one movie instance the launcher started, found through NATS with its metadata', async () => {
    const list = await movies();
    expect(list).toHaveLength(1);
    expect(list[0].source).toBe('nats');
    expect(list[0].metadata).toMatchObject({ service: 'movie', host: '127.0.0.1', weight: '1' });
    expect(list[0].metadata.port).toMatch(/^\d+$/);
    expect(Date.parse(list[0].lastSeen)).toBeGreaterThan(Date.now() - 5000);
    // The registry state is an admin's detail.
    const ready = await api(system.baseUrl, admin).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.movie.registry).toBe('nats, 1 instance');
  });

  it('sends to a new instance of weight 3 within 2 s of its announcement, about 3 reads in 4', async () => {
    const second = startInstance(3);
    await announced(second);
    await waitFor(async () => ofPid(await movies(), second.pid), 2000, 'the gateway to list the new instance');
    const before = await movies();
    let ok = 0;
    for (let k = 0; k < 400; k++) if ((await read()).status === 200) ok++;
    expect(ok).toBe(400);
    const after = await movies();
    const served = (list: Instance[], pid: number) => ofPid(list, pid)?.calls.success ?? 0;
    const toNew = served(after, second.pid) - served(before, second.pid);
    const total = after.reduce((n, i) => n + i.calls.success, 0) - before.reduce((n, i) => n + i.calls.success, 0);
    expect(total).toBeGreaterThanOrEqual(400);
    expect(toNew / total).toBeGreaterThanOrEqual(0.7);
    expect(toNew / total).toBeLessThanOrEqual(0.8);
  });

  it('SIGTERM: the instance leaves the list before its process exits, and no read fails', async () => {
    const second = started[0];
    let goneAt = 0;
    let exitedAt = 0;
    void second.exited.then(() => (exitedAt = Date.now()));
    const failures: number[] = [];
    let reading = true;
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) {
        const res = await read();
        if (res.status !== 200) failures.push(res.status);
      }
    });
    const watcher = (async () => {
      const deadline = Date.now() + 30_000;
      while (!goneAt && Date.now() < deadline) {
        if (!ofPid(await movies(), second.pid)) goneAt = Date.now();
        else await new Promise((r) => setTimeout(r, 20));
      }
    })();
    second.proc.kill('SIGTERM');
    await second.exited;
    await watcher;
    // Reads keep going a little after the exit: a caller still holding the old instance would fail now.
    await new Promise((r) => setTimeout(r, 500));
    reading = false;
    await Promise.all(readers);
    expect(failures).toEqual([]);
    expect(goneAt).toBeGreaterThan(0);
    expect(goneAt).toBeLessThanOrEqual(exitedAt);
    expect(second.output()).toContain('left the registry');
  });

  it('kill -9: the instance leaves the list within 3 s and reads keep answering 200', async () => {
    const third = startInstance(1);
    await announced(third);
    await waitFor(async () => ofPid(await movies(), third.pid), 2000, 'the gateway to list the third instance');
    process.kill(third.pid, 'SIGKILL');
    await third.exited;
    const failures: number[] = [];
    let reading = true;
    const readers = Array.from({ length: 2 }, async () => {
      while (reading) {
        const res = await read();
        if (res.status !== 200) failures.push(res.status);
      }
    });
    await waitFor(async () => !ofPid(await movies(), third.pid), 3000, 'the killed instance to leave the list');
    reading = false;
    await Promise.all(readers);
    expect(failures).toEqual([]);
    expect(await movies()).toHaveLength(1);
  });

  it('a gateway started afresh finds every live instance', async () => {
    const fourth = startInstance(2);
    await announced(fourth);
    const original = system.state().apps.find((a) => a.service === 'gateway')!;
    process.kill(original.pid, 'SIGTERM');
    await waitFor(async () => !isAlive(original.pid), 30_000, 'the gateway to stop');
    const port = await freePort();
    gateway = spawn(process.execPath, [GATEWAY_MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        MODE: 'split',
        PORT: String(port),
        REGISTRY: 'nats',
        NATS_URL: nats.url,
        NATS_SUBJECT_PREFIX: prefix,
      },
      stdio: 'ignore',
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await api(baseUrl).get('/health/ready')).status === 200, 60_000, 'the new gateway to be ready');
    const all = await services(baseUrl);
    expect(all.map((s) => s.name).sort()).toEqual(['auth', 'movie', 'recommendation', 'user']);
    for (const s of all) expect(s.instances.length).toBeGreaterThanOrEqual(1);
    const list = all.find((s) => s.name === 'movie')!.instances;
    expect(list).toHaveLength(2);
    expect(ofPid(list, fourth.pid)?.weight).toBe(2);
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway!.once('exit', r));
  });
});
