#!/usr/bin/env node
// Builds every app with the nest CLI (webpack, one bundle per app at dist/apps/<app>/main.js).
// With --if-needed it does nothing when every bundle is newer than every source file.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const apps = ['gateway', 'auth', 'user', 'movie', 'recommendation'];

function newest(dir) {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(path));
    else if (/\.(ts|json)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')) max = Math.max(max, statSync(path).mtimeMs);
  }
  return max;
}

function upToDate() {
  const sources = Math.max(
    newest(join(root, 'apps')),
    newest(join(root, 'libs')),
    ...['package-lock.json', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  return apps.every((app) => {
    const bundle = join(root, 'dist', 'apps', app, 'main.js');
    return existsSync(bundle) && statSync(bundle).mtimeMs > sources;
  });
}

if (process.argv.includes('--if-needed') && upToDate()) process.exit(0);
console.log(`Building ${apps.join(', ')} ...`);
const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', ...apps], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
