#!/usr/bin/env node
// Builds the workspace with the nest CLI's SWC builder (no type check: that is `npm run lint`): every app
// and lib in one pass to dist/apps/<app>/src and dist/libs/<lib>/src, plus a stable entry point per app at
// dist/apps/<app>/main.js (what the launcher, the image and the manifests run). The dashboard front-end is
// compiled by SWC to browser ES modules at dist/dashboard/ and served by the gateway.
// With --if-needed it does nothing when every output is newer than every source file it comes from.
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..');
// Every Nest app (the dashboard is a browser front-end with its own tsconfig.json).
const apps = readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'tsconfig.app.json')));
const dashboardSrc = join(root, 'apps', 'dashboard');
const dashboardOut = join(root, 'dist', 'dashboard');
const started = Date.now();

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
const entryOf = (app) => join(root, 'dist', 'apps', app, 'main.js');

function appsUpToDate() {
  const sources = Math.max(
    newest(join(root, 'apps'), undefined, dashboardSrc),
    newest(join(root, 'libs')),
    ...['package-lock.json', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json', '.swcrc'].map((f) => mtime(join(root, f))),
  );
  return apps.every((app) => mtime(entryOf(app)) > sources);
}

function dashboardUpToDate() {
  const sources = Math.max(newest(dashboardSrc, /\.(ts|json|html|css)$/), mtime(join(root, 'package-lock.json')));
  // index.html is written last, so it marks a complete build.
  return mtime(join(dashboardOut, 'index.html')) > sources;
}

// The swagger plugin's metadata (scripts/openapi-metadata.js) needs the type checker, so it is only
// regenerated when a DTO or controller changed since it was written.
function metadataUpToDate() {
  const sources = Math.max(
    newest(join(root, 'apps'), /\.(dto|query|controller)\.ts$/, dashboardSrc),
    newest(join(root, 'libs'), /\.(dto|query|controller)\.ts$/),
    mtime(join(root, 'nest-cli.json')),
  );
  return mtime(join(root, 'apps', 'gateway', 'src', 'metadata.ts')) >= sources;
}

function buildApps() {
  if (!metadataUpToDate()) {
    const result = spawnSync(process.execPath, [join(__dirname, 'openapi-metadata.js')], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) return result.status ?? 1;
  }
  // A clean output: a source file moved or deleted must not leave its old .js behind, where require() would still
  // find it (a stale dist/libs/contracts/src/catalog.js shadowed the new catalog/ folder once).
  for (const dir of ['apps', 'libs']) rmSync(join(root, 'dist', dir), { recursive: true, force: true });
  console.log(`Building ${apps.join(', ')} (SWC) ...`);
  // The SWC builder compiles apps/ and libs/ together (nest-cli.json), so one project builds them all.
  const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'gateway'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) return result.status ?? 1;
  // Entry points are written last: their age marks a complete build.
  for (const app of apps) {
    const entry = entryOf(app);
    const target = `./${relative(dirname(entry), join(root, 'dist', 'apps', app, 'src', 'main.js'))}`;
    writeFileSync(entry, `// Stable entry point of the ${app} app (written by scripts/build.js).\nrequire('${target}');\n`);
  }
  return 0;
}

function buildDashboard() {
  console.log('Building dashboard (SWC) ...');
  const swc = require('@swc/core');
  rmSync(dashboardOut, { recursive: true, force: true });
  const src = join(dashboardSrc, 'src');
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of walk(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
    const out = join(dashboardOut, relative(src, file)).replace(/\.ts$/, '.js');
    const { code, map } = swc.transformSync(readFileSync(file, 'utf8'), {
      filename: file,
      sourceMaps: true,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
    writeFileSync(`${out}.map`, map);
  }
  const assets = join(dashboardSrc, 'public');
  for (const name of readdirSync(assets).filter((n) => n !== 'index.html'))
    cpSync(join(assets, name), join(dashboardOut, name), { recursive: true });
  cpSync(join(assets, 'index.html'), join(dashboardOut, 'index.html'));
  return 0;
}

const ifNeeded = process.argv.includes('--if-needed');
let status = 0;
let built = false;
if (!ifNeeded || !appsUpToDate()) {
  status = buildApps();
  built = true;
}
if (status === 0 && (!ifNeeded || !dashboardUpToDate())) {
  status = buildDashboard();
  built = true;
}
if (built && status === 0) console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
process.exit(status);
