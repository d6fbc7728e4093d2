// Shared plumbing for the benchmarks: start the built system or the baseline as separate processes,
// drive them with autocannon, describe the machine, record results.
const { spawn } = require('node:child_process');
const { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const net = require('node:net');
const autocannon = require('autocannon');

const ROOT = join(__dirname, '..');
const GATEWAY = join(ROOT, 'dist', 'apps', 'platform', 'main.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The Node flags `npm start` runs the one-process system with (package.json's start script): the bench measures that. */
const START_FLAGS = (/\bnode ((?:--\S+ )*)dist\/apps\/platform\/main\.js/.exec(require('../package.json').scripts.start)?.[1] ?? '')
  .split(' ')
  .filter(Boolean);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Spawns a process, collects its output, resolves once `ready()` says so. */
function spawnProcess(args, env, label, node = process.execPath) {
  // BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the system under the load (bench/profile-summary.js).
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(node, [...flags, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (d) => (out = (out + d.toString()).slice(-100000));
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    label,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 20000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

async function waitHttp(url, proc, timeoutMs = 120000, ok = (s) => s === 200) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.proc.exitCode !== null) throw new Error(`${proc.label} exited:\n${proc.output().slice(-3000)}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (ok(status)) return;
    await sleep(50);
  }
  throw new Error(`${proc.label} not ready at ${url}:\n${proc.output().slice(-3000)}`);
}

/** The embedded database alone (the same server the system and the baseline share). */
async function startDatabase(dataDir) {
  const db = spawnProcess([GATEWAY, 'db'], { DATA_DIR: dataDir, NODE_ENV: 'test' }, 'database');
  const deadline = Date.now() + 300000;
  while (!/MONGO_URI=(\S+)/.test(db.output())) {
    if (db.proc.exitCode !== null || Date.now() > deadline) throw new Error(`database did not start:\n${db.output()}`);
    await sleep(50);
  }
  return { ...db, uri: /MONGO_URI=(\S+)/.exec(db.output())[1] };
}

/** The built system, one process or split, against the given MONGO_URI. */
/** `node`: the Node binary that runs the system (this one by default). */
async function startSystem({ mode = 'single', mongoUri, env = {}, args = [], node }) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const stateFile = join(dataDir, 'state.json');
  const started = Date.now();
  const sys = spawnProcess(
    mode === 'split' ? [GATEWAY, 'split', '--free-ports', ...args] : [...START_FLAGS, GATEWAY],
    {
      NODE_ENV: 'test',
      PORT: String(port),
      MONGO_URI: mongoUri,
      DATA_DIR: dataDir,
      SPLIT_STATE_FILE: stateFile,
      LOG_LEVEL: 'warn',
      ...env,
    },
    `system (${mode})`,
    node,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitHttp(`${baseUrl}/health/ready`, sys);
  return {
    ...sys,
    baseUrl,
    readyMs: Date.now() - started,
    state: () => JSON.parse(require('node:fs').readFileSync(stateFile, 'utf8')),
    stop: async (signal) => {
      const code = await sys.stop(signal);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 10, duration: 5, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function json(method, url, body, token) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const adminTokens = new Map();

/** /metrics needs an admin token on the public port: log in once per system (admin / admin on a fresh test database). */
async function metricsText(baseUrl) {
  if (!adminTokens.has(baseUrl)) {
    const login = await json('POST', `${baseUrl}/api/v2/auth/login`, { username: 'admin', password: 'admin' });
    if (login.status !== 200) throw new Error(`admin login for /metrics: ${login.status}`);
    adminTokens.set(baseUrl, login.body.accessToken);
  }
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${adminTokens.get(baseUrl)}` } });
  return res.text();
}

function writeResults(results, markdownRows, full) {
  writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, (k, v) => (typeof v === 'bigint' ? undefined : v), 2) + '\n');
  if (!full) return;
  const file = join(__dirname, 'RESULTS.md');
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n\nAppended by `npm run bench` (full runs only).\n');
  appendFileSync(file, `\n${markdownRows}\n`);
}

/** An access token for a new user id of the given role, signed with the system's secret (no account behind it). */
function tokenFor(config, role) {
  const { randomBytes, randomUUID } = require('node:crypto');
  const jwt = require('jsonwebtoken');
  const sub = randomBytes(12).toString('hex');
  const token = jwt.sign({ sub, name: `${role}-${sub.slice(-6)}`, role, jti: randomUUID() }, config.jwt.secret, {
    algorithm: 'HS256',
    issuer: config.jwt.issuer,
    expiresIn: 3600,
  });
  return { id: sub, token };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

module.exports = {
  START_FLAGS,
  ROOT,
  GATEWAY,
  sleep,
  freePort,
  machine,
  spawnProcess,
  waitHttp,
  startDatabase,
  startSystem,
  cannon,
  json,
  metricsText,
  writeResults,
  table,
  tokenFor,
  rmSync,
  mkdtempSync,
  tmpdir,
  join,
};
