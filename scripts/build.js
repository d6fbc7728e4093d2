#!/usr/bin/env node
// Builds every app with the nest CLI (webpack, one bundle per app at dist/apps/<app>/main.js),
// and the dashboard front-end with tsc (ES modules at dist/dashboard/, served by the gateway).
// With --if-needed it does nothing when every output is newer than every source file it comes from.
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const apps = ['gateway', 'auth', 'user', 'movie', 'recommendation', 'platform'];
const dashboardSrc = join(root, 'apps', 'dashboard');
const dashboardOut = join(root, 'dist', 'dashboard');

function newest(dir, pattern = /\.(ts|json)$/, skip = '') {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === skip) continue;
    if (entry.isDirectory()) max = Math.max(max, newest(path, pattern, skip));
    else if (pattern.test(entry.name) && !entry.name.endsWith('.spec.ts')) max = Math.max(max, statSync(path).mtimeMs);
  }
  return max;
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

function appsUpToDate() {
  const sources = Math.max(
    newest(join(root, 'apps'), undefined, dashboardSrc),
    newest(join(root, 'libs')),
    ...['package-lock.json', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  return apps.every((app) => mtime(join(root, 'dist', 'apps', app, 'main.js')) > sources);
}

function dashboardUpToDate() {
  const sources = Math.max(newest(dashboardSrc, /\.(ts|json|html|css)$/), mtime(join(root, 'package-lock.json')));
  // index.html is written last, so it marks a complete build.
  return mtime(join(dashboardOut, 'index.html')) > sources;
}

function buildApps() {
  console.log(`Building ${apps.join(', ')} ...`);
  const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', ...apps], {
    cwd: root,
    stdio: 'inherit',
  });
  return result.status ?? 1;
}

function buildDashboard() {
  console.log('Building dashboard ...');
  rmSync(dashboardOut, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(dashboardSrc, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) return result.status ?? 1;
  const assets = join(dashboardSrc, 'public');
  for (const name of readdirSync(assets).filter((n) => n !== 'index.html'))
    cpSync(join(assets, name), join(dashboardOut, name), { recursive: true });
  cpSync(join(assets, 'index.html'), join(dashboardOut, 'index.html'));
  return 0;
}

const ifNeeded = process.argv.includes('--if-needed');
let status = 0;
if (!ifNeeded || !appsUpToDate()) status = buildApps();
if (status === 0 && (!ifNeeded || !dashboardUpToDate())) status = buildDashboard();
process.exit(status);
