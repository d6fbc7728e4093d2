import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@app/config';
import { isPortFree } from '@app/dev-harness';
import { currentProcessRole, startMetricsServer, startTracing, stopTracing, tracingOn } from '@app/observability';
import { appVersion, fail, installShutdown, ShutdownStep } from '@app/runtime';
import { createGatewayApp } from './gateway.factory';
import { DrainStateService } from './health/drain-state.service';

export async function assertPortFree(config: AppConfig): Promise<void> {
  if (config.http.port !== 0 && !(await isPortFree(config.http.port, config.http.host))) {
    fail(`Port ${config.http.port} (PORT) is already in use: set PORT to a free port`);
  }
}

/** Starts the HTTP gateway and wires shutdown: drain HTTP first, then whatever `after` stops. */
export async function startGateway(config: AppConfig, after: () => ShutdownStep[], describe: string): Promise<NestFastifyApplication> {
  const drain = new DrainStateService();
  // Before the app: its spans, and in one process the services' too (they started it already; the gateway adds its buffer).
  await startTracing(config, { service: currentProcessRole(), version: appVersion(), keepSlow: true });
  const app = await createGatewayApp(config, drain);
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const base = `http://127.0.0.1:${port}`;
  const metrics = config.metrics.port ? await startMetricsServer(config.metrics.port, config.metrics.host) : undefined;
  installShutdown(
    () => [
      // Readiness is 503 already; requests already sent (still in the accept queue, or connected but not yet read) are
      // served: closing the listener at once would reset them. Kubernetes adds its own pause (preStop) before the signal.
      {
        name: 'grace',
        run: async () => {
          await new Promise<void>((done) => setTimeout(done, config.shutdown.graceMs));
          drain.refusing = true;
        },
      },
      // Nest closes module resources (the service clients) before its HTTP server: stop HTTP first so requests in flight can finish.
      { name: 'gateway http', run: () => app.getHttpAdapter().getInstance().close() },
      { name: 'gateway', run: () => app.close() },
      ...(metrics ? [{ name: 'metrics port', run: () => new Promise<void>((done) => metrics.close(() => done())) }] : []),
      ...after(),
      ...(tracingOn() ? [{ name: 'tracing', run: stopTracing }] : []),
    ],
    config.shutdown.drainTimeoutMs,
    (m) => process.stdout.write(`[gateway] ${m}\n`),
    () => (drain.draining = true),
  );
  // The admin password itself is never printed: only where it comes from.
  const signIn = config.user.adminPassword
    ? 'sign in as admin with ADMIN_PASSWORD'
    : 'sign in as admin / admin on a fresh database; set ADMIN_PASSWORD to change it';
  process.stdout.write(
    `Movie platform ready (${describe})\n` +
      `  API        ${base}/api/v2  (v1: ${base}/api/v1)\n` +
      `  API docs   ${base}/docs\n` +
      `  dashboard  ${base}/dashboard  (${signIn})\n` +
      `  health     ${base}/health/ready\n` +
      (metrics ? `  metrics    http://${config.metrics.host}:${config.metrics.port}/metrics  (no token: keep this address private)\n` : ''),
  );
  return app;
}
