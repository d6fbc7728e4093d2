import { createServer, Server } from 'node:http';
import { freePort, LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { createMovie } from './support/catalog';
import { createUser, loginV2 } from './support/session';
import { api, RunningSystem, startSystem, waitFor } from './support/system';

/** One span as an OTLP/JSON export carries it, with the `service.name` of the process that sent it. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
}

const SERVER = 2;
const CLIENT = 3;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: { spans?: (Omit<ExportedSpan, 'service' | 'attributes'> & { attributes?: { key: string; value: OtlpValue }[] })[] }[];
  }[];
}

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue);

/** A real OTLP/HTTP receiver (JSON encoding): every span the apps export, decoded. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: ExportedSpan[]; requests: string[] }> {
  const spans: ExportedSpan[] = [];
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const decoded = JSON.parse(body) as OtlpExport;
      for (const rs of decoded.resourceSpans ?? []) {
        const service = String(valueOf(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value ?? {}));
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)]));
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              service,
              attributes,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${port}`, spans, requests };
}

describe.each(['tcp', 'nats'] as const)('tracing: one request through the split system over %s', (transport) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let nats: LocalNatsServer | undefined;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    try {
      receiver = await startReceiver();
      const env: Record<string, string> = {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        // Request lines are written at info (the test configuration says warn).
        LOG_LEVEL: 'info',
      };
      if (transport === 'nats') {
        nats = await startNatsServer();
        Object.assign(env, { TRANSPORT: 'nats', NATS_URL: nats.url });
      }
      system = await startSystem({ mode: 'split', env });
    } catch (err) {
      // Whatever started is stopped (afterAll runs too, but only after a failed beforeAll has been reported).
      await system?.stop();
      await nats?.stop();
      receiver?.server.close();
      system = undefined;
      nats = undefined;
      receiver = undefined;
      throw err;
    }
  });
  afterAll(async () => {
    await system?.stop();
    await nats?.stop();
    await new Promise((resolve) => (receiver ? receiver.server.close(resolve) : resolve(undefined)));
  });

  it('exports one trace: gateway, recommendation and movie spans, each the child of the hop that called it', async () => {
    const base = system!.baseUrl;
    const admin = await loginV2(base, 'admin', 'admin');
    const ids = [
      await createMovie(base, admin.accessToken, { name: `Traced One ${transport}` }),
      await createMovie(base, admin.accessToken, { name: `Traced Two ${transport}` }),
    ];
    const rater = await createUser(base, admin.accessToken, { prefix: 'rater' });
    for (const id of ids) expect((await api(base, rater.token).put(`/api/v2/movies/${id}/rating`, { score: 5 })).status).toBe(200);
    const viewer = await createUser(base, admin.accessToken, { prefix: 'viewer' });
    // The ratings are in the model once it is rebuilt (the answer comes when the build has finished).
    await waitFor(
      async () => {
        const r = await api(base, admin.accessToken).post('/api/v2/recommendations/rebuild');
        return r.status === 200 && r.body.ratings >= 2 ? r : undefined;
      },
      10_000,
      'a model with the ratings',
    );
    // Popular picks the recommendation service has never shown: it asks the movie service for them, within this request.
    const res = await api(base, viewer.token).get('/api/v2/recommendations');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { movie: { id: string } }) => i.movie.id).sort()).toEqual([...ids].sort());
    const requestId = res.headers.get('x-request-id')!;

    const root = await waitFor(
      async () => receiver!.spans.find((s) => s.kind === SERVER && s.service === 'gateway' && s.attributes['mp.request_id'] === requestId),
      10_000,
      "the gateway's span of the request",
    );
    expect(root.name).toBe('GET /api/v2/recommendations');
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes['http.response.status_code']).toBe(200);
    const inTrace = () => receiver!.spans.filter((s) => s.traceId === root.traceId);
    const childOf = (parent: ExportedSpan, kind: number, service: string) =>
      inTrace().find((s) => s.parentSpanId === parent.spanId && s.kind === kind && s.service === service);
    // gateway HTTP -> gateway client (recommendation) -> recommendation server -> recommendation client (movie) -> movie server -> database
    const toRecommendation = await waitFor(async () => childOf(root, CLIENT, 'gateway'), 10_000, 'the call to recommendation');
    expect(toRecommendation.attributes).toMatchObject({
      'rpc.service': 'recommendation',
      'rpc.system': transport === 'nats' ? 'nats' : 'nest_tcp',
    });
    const atRecommendation = await waitFor(
      async () => childOf(toRecommendation, SERVER, 'recommendation'),
      10_000,
      "recommendation's span",
    );
    const toMovie = await waitFor(async () => childOf(atRecommendation, CLIENT, 'recommendation'), 10_000, 'the call to movie');
    expect(toMovie.attributes['rpc.service']).toBe('movie');
    const atMovie = await waitFor(async () => childOf(toMovie, SERVER, 'movie'), 10_000, "movie's span");
    const query = await waitFor(async () => childOf(atMovie, CLIENT, 'movie'), 10_000, "the movie service's database command");
    expect(query.attributes).toMatchObject({ 'db.system.name': 'mongodb', 'db.collection.name': 'movies' });
    // One trace: every span of the request shares its id, and no process started another one for it.
    expect(new Set(inTrace().map((s) => s.service))).toEqual(new Set(['gateway', 'recommendation', 'movie']));
    expect(receiver!.requests.every((r) => r.startsWith('POST /v1/traces application/json'))).toBe(true);
    // The request's log line carries the trace and span ids.
    const line = system!
      .output()
      .split('\n')
      .find((l) => l.includes(requestId) && l.includes('request completed'));
    expect(line).toContain(`"trace_id":"${root.traceId}"`);
    expect(line).toContain(`"span_id":"${root.spanId}"`);
  });
});
