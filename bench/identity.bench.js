#!/usr/bin/env node
// Identity benchmarks (run after `npm run build`): `node bench/identity.bench.js`
//  1. access-token verifications per second on one core, exactly as libs/auth verifies them
//     (jsonwebtoken 9, HS256 only, issuer checked, a createSecretKey KeyObject), next to a string secret;
//  2. /health/live p99 latency while 20 logins per second run: argon2id hashing must stay off the event loop.
// Prints a table and appends the figures to bench/RESULTS.md.
const { spawn } = require('node:child_process');
const { createSecretKey, randomUUID } = require('node:crypto');
const { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { freePort, sleep } = require('./lib');
const os = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');
const jwt = require('jsonwebtoken');

const ROOT = join(__dirname, '..');
const RESULTS = join(__dirname, 'RESULTS.md');
const SECRET = 'dev-only-insecure-jwt-secret-change-me-0123456789';
const ISSUER = 'seedotech';
const LOGINS_PER_SEC = 20;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS || 10);

function verificationsPerSecond(key, seconds) {
  const token = jwt.sign({ sub: 'a'.repeat(24), name: 'alice', role: 'user', jti: randomUUID() }, key, {
    algorithm: 'HS256',
    issuer: ISSUER,
    expiresIn: 3600,
  });
  const options = { algorithms: ['HS256'], issuer: ISSUER };
  for (let i = 0; i < 2000; i++) jwt.verify(token, key, options);
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  let now = start;
  while (now < end) {
    for (let i = 0; i < 500; i++) jwt.verify(token, key, options);
    count += 500;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

async function startSystem() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'identity-bench-'));
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'platform', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      MONGO_URI: '',
      LOG_LEVEL: 'warn',
      // The bench itself is one IP doing 20 logins/s; the per-IP limit would stop it after 100.
      AUTH_LOGIN_IP_LIMIT: '1000000',
      // The default call timeout, not the test profile's shorter one.
      RESILIENCE_CALL_TIMEOUT_MS: '2000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the system exited with ${proc.exitCode}`);
    if (Date.now() > deadline) throw new Error('the system did not become ready in 90 s');
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(200);
  }
  return {
    baseUrl,
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Logins at a fixed rate (not a closed loop), so a slow login cannot lower the offered load. */
function runLogins(baseUrl, perSecond, seconds) {
  const latencies = [];
  const failures = [];
  const inFlight = new Set();
  const body = JSON.stringify({ username: 'admin', password: 'admin' });
  let fired = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (fired >= perSecond * seconds) {
        clearInterval(timer);
        Promise.all(inFlight).then(() => resolve({ latencies: latencies.sort((a, b) => a - b), failures, fired }));
        return;
      }
      fired++;
      const start = performance.now();
      const call = fetch(`${baseUrl}/api/v2/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - start);
          else failures.push(res.status);
        })
        .catch(() => failures.push('error'))
        .finally(() => inFlight.delete(call));
      inFlight.add(call);
    }, 1000 / perSecond);
  });
}

function describeFailures(failures) {
  const counts = new Map();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  return counts.size ? [...counts].map(([status, n]) => `${status} x ${n}`).join(', ') : 'none';
}

function liveLatency(baseUrl, seconds) {
  return autocannon({ url: `${baseUrl}/health/live`, connections: 4, duration: seconds });
}

async function main() {
  const bundle = join(ROOT, 'dist', 'apps', 'platform', 'main.js');
  if (!existsSync(bundle)) throw new Error('Build first: npm run build');

  const keyRate = verificationsPerSecond(createSecretKey(Buffer.from(SECRET, 'utf8')), 3);
  const stringRate = verificationsPerSecond(SECRET, 2);

  const system = await startSystem();
  let idle;
  let loaded;
  let logins;
  try {
    // Warm-up: the first logins create the dummy hash and JIT the paths.
    await runLogins(system.baseUrl, 5, 1);
    idle = await liveLatency(system.baseUrl, 5);
    [loaded, logins] = await Promise.all([
      liveLatency(system.baseUrl, LOAD_SECONDS),
      runLogins(system.baseUrl, LOGINS_PER_SEC, LOAD_SECONDS),
    ]);
  } finally {
    await system.stop();
  }

  const rows = [
    ['token verifications/s, one core (KeyObject, as libs/auth)', Math.round(keyRate).toLocaleString('en'), '>= 20,000'],
    ['token verifications/s, one core (string secret, for contrast)', Math.round(stringRate).toLocaleString('en'), ''],
    ['/health/live p99 (ms), no logins', String(idle.latency.p99), ''],
    [`/health/live p99 (ms), ${LOGINS_PER_SEC} logins/s for ${LOAD_SECONDS} s`, String(loaded.latency.p99), '<= 20'],
    ['/health/live requests/s during logins', Math.round(loaded.requests.average).toLocaleString('en'), ''],
    [
      'login p50 / p99 (ms) during the run',
      `${percentile(logins.latencies, 50).toFixed(1)} / ${percentile(logins.latencies, 99).toFixed(1)}`,
      '',
    ],
    [
      'logins ok / fired (failed: status x count)',
      `${logins.latencies.length} / ${logins.fired} (${describeFailures(logins.failures)})`,
      '',
    ],
    ['load average (1 min) at the end', os.loadavg()[0].toFixed(2), ''],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${'measure'.padEnd(width)} | value            | goal\n${'-'.repeat(width)}-|------------------|---------\n`);
  for (const [name, value, goal] of rows) process.stdout.write(`${name.padEnd(width)} | ${value.padEnd(16)} | ${goal}\n`);

  if (!existsSync(RESULTS)) writeFileSync(RESULTS, '# Benchmark results\n\nAppended by the scripts in `bench/`; newest last.\n');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB memory, Node ${process.version}, ${os.platform()} ${os.release()}`;
  appendFileSync(
    RESULTS,
    `\n## identity.bench.js, ${new Date().toISOString()}\n\nMachine: ${machine}.\n\n| measure | value | goal |\n| --- | --- | --- |\n${rows
      .map((r) => `| ${r.join(' | ')} |`)
      .join('\n')}\n`,
  );
  process.stdout.write(`\nAppended to ${RESULTS}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
