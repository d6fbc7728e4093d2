import { createServer, Server } from 'node:http';

interface HealthProbe {
  ready(): Promise<{ ok: boolean; details: Record<string, unknown> }>;
  /** Set while the process drains: readiness turns 503 at once. */
  draining(): boolean;
}

/**
 * The small HTTP port a split-mode service opens for orchestrators: /health/live and /health/ready. A service is a
 * Nest microservice without an HTTP adapter, so this only serves the port; readiness is terminus' (ReadinessService).
 */
export function startHealthServer(port: number, host: string, probe: HealthProbe): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { code: 1007, message: 'Method not allowed' });
    if (req.url === '/health/live') return send(200, { status: 'ok' });
    if (req.url === '/health/ready') {
      if (probe.draining()) return send(503, { status: 'error', details: { shutdown: 'draining' } });
      probe
        .ready()
        .then(({ ok, details }) => send(ok ? 200 : 503, { status: ok ? 'ok' : 'error', details }))
        .catch(() => send(503, { status: 'error', details: {} }));
      return;
    }
    send(404, { code: 1005, message: 'Route not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
