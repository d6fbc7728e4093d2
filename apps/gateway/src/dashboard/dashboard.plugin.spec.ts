import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { dashboardRoot, registerDashboard } from './dashboard.plugin';

describe('dashboard static files', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
    mkdirSync(join(dir, 'views'));
    writeFileSync(join(dir, 'views', 'movies.js'), 'export {};');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html at /dashboard/, redirects /dashboard there and keeps files inside the root', async () => {
    const app = Fastify();
    await registerDashboard(app as unknown as NestFastifyApplication, dir);
    const redirect = await app.inject({ method: 'GET', url: '/dashboard?x=1' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/dashboard/?x=1');
    const index = await app.inject({ method: 'GET', url: '/dashboard/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('public, max-age=0');
    const module = await app.inject({ method: 'GET', url: '/dashboard/views/movies.js' });
    expect(module.headers['content-type']).toMatch(/javascript/);
    expect((await app.inject({ method: 'GET', url: '/dashboard/../package.json' })).statusCode).not.toBe(200);
    expect((await app.inject({ method: 'GET', url: '/dashboard/nope.js' })).statusCode).toBe(404);
    await app.close();
  });

  it('finds the build that has an index.html', () => {
    const empty = mkdtempSync(join(tmpdir(), 'dashboard-empty-'));
    try {
      expect(dashboardRoot([empty, dir])).toBe(dir);
      expect(dashboardRoot([empty, join(empty, 'missing')])).toBe(join(empty, 'missing'));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
