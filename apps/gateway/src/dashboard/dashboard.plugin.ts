import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { resolveHttpError, sendHttpError } from '@app/common';

// Given without the trailing slash, @fastify/static serves /dashboard/* and also redirects /dashboard to /dashboard/.
const DASHBOARD_PREFIX = '/dashboard';

/** Where `scripts/build.js` puts the compiled front-end (dist/dashboard beside dist/apps), or under the working folder. */
export function dashboardRoot(
  candidates = [join(__dirname, '..', '..', '..', '..', 'dashboard'), join(process.cwd(), 'dist', 'dashboard')],
): string {
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[candidates.length - 1];
}

/**
 * Serves the dashboard as plain files straight from Fastify: outside Nest's router, so no guard, throttle or
 * OpenAPI entry applies, while helmet's CSP (a Fastify hook) still does.
 */
export async function registerDashboard(app: NestFastifyApplication, root = dashboardRoot()): Promise<void> {
  // Its own scope: Nest's exception layer handles errors of Nest routes; static-file errors get the same
  // {code, message} shape here, without overriding Nest's handler on the root (Fastify warns FSTWRN004).
  await app.register(async (scope: FastifyInstance) => {
    scope.setErrorHandler((error, _request, reply) => sendHttpError(reply, resolveHttpError(error)));
    await scope.register(fastifyStatic, {
      root,
      prefix: DASHBOARD_PREFIX,
      index: 'index.html',
      // The page's relative URLs (./main.js) only resolve under `/dashboard/`.
      redirect: true,
      decorateReply: false,
      // The files change with every build and are tiny: always revalidate rather than risk a stale mix of modules.
      cacheControl: true,
      maxAge: 0,
    });
  });
}
