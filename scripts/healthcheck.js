#!/usr/bin/env node
// The image's HEALTHCHECK: GET /health/ready on the HTTP port of the app this container runs (APP).
// It reads the settings the app reads (config/default.yaml, config/<NODE_ENV>.yaml, the environment),
// so a port moved by SERVICES_<APP>_HEALTH_PORT or PORT is followed. `--print` prints the URL only.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const dir = process.env.CONFIG_DIR || join(__dirname, '..', 'config');
const read = (name) => (existsSync(join(dir, name)) ? parse(readFileSync(join(dir, name), 'utf8')) || {} : {});
const base = read('default.yaml');
const over = read(`${process.env.NODE_ENV || 'development'}.yaml`);
const setting = (path, env) => {
  const pick = (tree) => path.split('.').reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), tree);
  for (const name of env) if (process.env[name]) return Number(process.env[name]);
  return Number(pick(over) ?? pick(base));
};

const app = process.env.APP || 'gateway';
const port =
  app === 'gateway'
    ? setting('http.port', ['PORT', 'HTTP_PORT'])
    : setting(`services.${app}.healthPort`, [`SERVICES_${app.toUpperCase()}_HEALTH_PORT`]);
const url = `http://127.0.0.1:${port}/health/ready`;
if (process.argv.includes('--print')) {
  process.stdout.write(`${url}\n`);
} else {
  fetch(url, { signal: AbortSignal.timeout(4000) }).then(
    (res) => process.exit(res.status === 200 ? 0 : 1),
    () => process.exit(1),
  );
}
