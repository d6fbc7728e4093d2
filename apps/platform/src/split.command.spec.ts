import { loadConfig } from '@app/config';
import { Child, parseSplitArgs, plan } from './split.command';

describe('parseSplitArgs', () => {
  it('reads weights per service from --scale, in either spelling', () => {
    expect(parseSplitArgs(['--scale', 'movie=3,1,2', 'user=1,1', '--free-ports'])).toEqual({
      scale: { movie: [3, 1, 2], user: [1, 1] },
      freePorts: true,
    });
    expect(parseSplitArgs(['--scale=movie=3,1'])).toEqual({ scale: { movie: [3, 1] }, freePorts: false });
  });

  it('refuses unknown services, zero weights and unknown flags with a message', () => {
    expect(() => parseSplitArgs(['--scale', 'films=3,1'])).toThrow(/service one of auth, user, movie, recommendation/);
    expect(() => parseSplitArgs(['--scale', 'movie=3,0'])).toThrow(/at least 1/);
    expect(() => parseSplitArgs(['--replicas', '2'])).toThrow(/Unknown argument/);
  });
});

describe('plan', () => {
  const config = loadConfig({ NODE_ENV: 'test', SERVICES_MOVIE_PORT: '21500', SERVICES_MOVIE_HEALTH_PORT: '21600' });
  const ports = (children: Child[]) => children.filter((c) => c.service === 'movie').map((c) => c.port);
  const everyPort = (children: Child[]) => children.flatMap((c) => (c.healthPort === undefined ? [c.port] : [c.port, c.healthPort]));

  it('puts a scaled service on consecutive ports from its configured one, skipping any in use', async () => {
    const [first, second] = ports(await plan(config, { scale: { movie: [3, 1] }, freePorts: false }));
    expect(first).toBeGreaterThanOrEqual(21500);
    expect(second).toBe(first + 1);
  });

  it('with --free-ports gives every app, instance and health endpoint a port of its own (no consecutive run a client socket could cut into)', async () => {
    const children = await plan(config, { scale: { movie: [3, 1], auth: [1, 1] }, freePorts: true });
    expect(children.map((c) => c.name)).toEqual(['auth-1', 'auth-2', 'user', 'movie-1', 'movie-2', 'recommendation', 'gateway']);
    const all = everyPort(children);
    expect(new Set(all).size).toBe(all.length);
  });
});
