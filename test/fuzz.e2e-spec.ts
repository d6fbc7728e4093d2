import fc from 'fast-check';
import { api, RunningSystem, startSystem } from './support/system';
import { hostileAuth, hostileBody, hostileId, hostileValue } from './support/hostile';
import { mintToken, TEST_JWT } from './support/tokens';
import { checkResponse, parseJson } from './support/openapi-contract';

/** `npm run test:fuzz` sets FUZZ_RUNS=10000; `npm test` runs a smaller sample. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const CONCURRENCY = 8;

interface Route {
  method: string;
  path: string;
  fields: string[];
  query: string[];
}

function routesOf(doc: any): Route[] {
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const schemaRef = op.requestBody?.content?.['application/json']?.schema?.$ref as string | undefined;
      const schema = schemaRef ? doc.components.schemas[schemaRef.split('/').pop()!] : undefined;
      routes.push({
        method: method.toUpperCase(),
        path,
        fields: Object.keys(schema?.properties ?? {}),
        query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
      });
    }
  }
  return routes;
}

describe('fuzz: hostile requests on every route of both API versions', () => {
  let system: RunningSystem;
  let routes: Route[];
  let canary: { path: string; body: unknown };
  let adminToken: string;

  beforeAll(async () => {
    system = await startSystem({ env: { AUTH_LOGIN_IP_LIMIT: '1000000' } });
    routes = routesOf((await api(system.baseUrl).get('/docs-json')).body).filter((r) => r.path.startsWith('/api/'));
    const login = await api(system.baseUrl).post('/api/v2/auth/login', { username: 'admin', password: 'admin' });
    adminToken = login.body.accessToken;
    const created = await api(system.baseUrl, adminToken).post('/api/v2/movies', {
      name: 'Canary',
      url: 'https://example.com/canary',
      coverImage: 'https://example.com/c.png',
      description: 'must survive',
    });
    expect(created.status).toBe(201);
    canary = { path: `/api/v2/movies/${created.body.id}`, body: (await api(system.baseUrl).get(`/api/v2/movies/${created.body.id}`)).body };
  });

  afterAll(async () => {
    expect(await system.stop()).toBe(0);
  });

  it('covers both API versions', () => {
    expect(routes.some((r) => r.path.startsWith('/api/v1/'))).toBe(true);
    expect(routes.some((r) => r.path.startsWith('/api/v2/'))).toBe(true);
  });

  it(`answers ${RUNS} hostile requests without a 5xx, always with {code, message}, and leaves the canary intact`, async () => {
    const userToken = mintToken('user');
    const request = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        id: hostileId,
        body: hostileBody(route.fields),
        query: fc.dictionary(
          fc.oneof(fc.constantFrom('page', 'limit', 'q', 'genre', 'sort', 'year', 'id', 'q[$ne]', 'limit[]'), fc.string({ maxLength: 8 })),
          hostileValue,
          { maxKeys: 3 },
        ),
        auth: hostileAuth(TEST_JWT.secret, TEST_JWT.issuer, userToken),
      }),
    );
    const samples = fc.sample(request, { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261123) });
    const failures: string[] = [];
    let sent = 0;
    const send = async (s: (typeof samples)[number]) => {
      const path = s.route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(s.id));
      const query = new URLSearchParams(
        Object.entries(s.query).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
      ).toString();
      const headers: Record<string, string> = { 'content-type': s.body.contentType };
      if (s.auth) headers.authorization = s.auth;
      let res: Response;
      try {
        res = await fetch(`${system.baseUrl}${path}${query ? `?${query}` : ''}`, {
          method: s.route.method,
          headers,
          body: s.route.method === 'GET' || s.route.method === 'HEAD' ? undefined : s.body.raw,
        });
      } catch (err) {
        // fetch itself refuses some header values before anything is sent: not a server answer.
        if (err instanceof TypeError && !/fetch failed/.test(err.message)) return;
        failures.push(`${s.route.method} ${path}: no answer (${(err as Error).message})`);
        return;
      }
      sent++;
      const text = await res.text();
      await checkResponse(s.route.method, `${system.baseUrl}${path}`, res.status, res.headers.get('content-type'), parseJson(text)).catch(
        (err: Error) => failures.push(err.message.slice(0, 400)),
      );
      if (res.status >= 500) failures.push(`${s.route.method} ${path} -> ${res.status} ${text.slice(0, 200)}`);
      if (res.status >= 400) {
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (typeof body?.code !== 'number' || typeof body?.message !== 'string')
          failures.push(`${s.route.method} ${path} -> ${res.status} without {code, message}: ${text.slice(0, 200)}`);
        if (/at .*\.(ts|js):\d+|node_modules|MongoServerError|ValidationError:/.test(text))
          failures.push(`${s.route.method} ${path} leaked internals: ${text.slice(0, 200)}`);
      }
    };
    for (let i = 0; i < samples.length; i += CONCURRENCY) await Promise.all(samples.slice(i, i + CONCURRENCY).map(send));
    process.stdout.write(`${sent} requests\n`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(RUNS * 0.95);
    expect((await api(system.baseUrl).get('/health/live')).status).toBe(200);
    expect((await api(system.baseUrl).get(canary.path)).body).toEqual(canary.body);
  });
});
