#!/usr/bin/env node
// Resilience benchmark (run `npm run build` first): split-mode p50 vs one-process p50 on /health/ready (one health
// call per service over the transport) at 10 connections, then fail-fast latency with every breaker open.
// Usage: node bench/resilience.bench.js [--transport tcp|nats] [--duration 10]
const { spawn } = require('node:child_process');
const { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { freePort, metricsText, sleep } = require('./lib');
const os = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'apps', 'platform', 'main.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const TRANSPORT = arg('transport', 'tcp');
const DURATION = Number(arg('duration', '10'));
const CONNECTIONS = 10;

async function start(mode) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'movie-bench-'));
  const stateFile = join(dataDir, 'split-state.json');
  const args = mode === 'split' ? [MAIN, 'split', '--free-ports'] : [MAIN];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: String(port),
      DATA_DIR: dataDir,
      MONGO_URI: '',
      SPLIT_STATE_FILE: stateFile,
      TRANSPORT,
      NATS_SUBJECT_PREFIX: `bench${port}.`,
      // Breakers opened for the fail-fast run stay open for the whole run.
      RESILIENCE_CALL_TIMEOUT_MS: '500',
      RESILIENCE_MAX_FAILURES: '3',
      RESILIENCE_RESET_TIMEOUT_MS: '120000',
      RESILIENCE_RESET_TIMEOUT_MAX_MS: '120000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${mode} exited during start-up`);
    if (Date.now() > deadline) throw new Error(`${mode} not ready in 90 s`);
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(200);
  }
  const exited = new Promise((r) => proc.once('exit', r));
  return {
    base,
    state: () => JSON.parse(readFileSync(stateFile, 'utf8')),
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function load(url, duration, connections = CONNECTIONS) {
  const result = await autocannon({ url, connections, duration });
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, s]) => `${code}x${s.count}`)
    .join(' ');
  return { p50: result.latency.p50, p99: result.latency.p99, rps: Math.round(result.requests.average), statuses, errors: result.errors };
}

async function breakerStates(base) {
  const text = await metricsText(base);
  return [...text.matchAll(/^resilience_breaker_state\{[^}]*\} (\d)$/gm)].map((m) => Number(m[1]));
}

async function main() {
  if (!existsSync(MAIN)) throw new Error('dist/apps/platform/main.js is missing: run `npm run build` first');
  const rows = [];
  const measure = async (label, system, connections = CONNECTIONS) => {
    await load(`${system.base}/health/ready`, 2, connections); // warm-up: connections, JIT
    const r = await load(`${system.base}/health/ready`, DURATION, connections);
    rows.push({ label, connections, ...r });
    return r;
  };

  const single = await start('single');
  const one = await measure(`one process (${TRANSPORT})`, single);
  // One connection shows the cost of the extra hops without CPU contention between the processes.
  await measure(`one process (${TRANSPORT})`, single, 1);
  await single.stop();

  const split = await start('split');
  const sep = await measure(`split (${TRANSPORT})`, split);
  await measure(`split (${TRANSPORT})`, split, 1);
  // Hang every service (connections accepted, never answered): breakers open after a few timeouts, then calls fail fast.
  const services = split.state().apps.filter((a) => a.service !== 'gateway');
  for (const app of services) process.kill(app.pid, 'SIGSTOP');
  let open;
  try {
    const deadline = Date.now() + 30_000;
    while (!(await breakerStates(split.base)).every((s) => s === 1)) {
      if (Date.now() > deadline) throw new Error('breakers did not open within 30 s');
      await Promise.all(Array.from({ length: 4 }, () => fetch(`${split.base}/health/ready`).then((r) => r.text())));
    }
    open = await measure(`split, every breaker open (${TRANSPORT})`, split);
  } finally {
    for (const app of services) process.kill(app.pid, 'SIGCONT');
  }
  await split.stop();

  const ratio = sep.p50 / one.p50;
  const table = [
    '| run | connections | p50 ms | p99 ms | req/s | statuses |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) => `| ${r.label} | ${r.connections} | ${r.p50} | ${r.p99} | ${r.rps} | ${r.statuses}${r.errors ? ` errors ${r.errors}` : ''} |`,
    ),
  ].join('\n');
  const verdict = [
    `split p50 / one-process p50 = ${ratio.toFixed(2)} (goal <= 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
    `fail-fast p99 with breakers open = ${open.p99} ms (goal <= 10 ms: ${open.p99 <= 10 ? 'met' : 'NOT met'})`,
  ];
  console.log(`\n${table}\n\n${verdict.join('\n')}\n`);
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? 'unknown CPU'} x${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const file = join(__dirname, 'RESULTS.md');
  if (!existsSync(file)) appendFileSync(file, '# Benchmark results\n\nAppended by the scripts in `bench/`; newest last.\n');
  appendFileSync(
    file,
    `\n## resilience.bench.js — ${new Date().toISOString()}\n\n` +
      `Machine: ${machine}; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (shared machine). ` +
      `Load: autocannon, ${DURATION} s per run after a 2 s warm-up, GET /health/ready ` +
      `(one health call per service through the resilience client; every breaker open in the last run, services SIGSTOPped).\n\n` +
      `${table}\n\n${verdict.map((v) => `- ${v}`).join('\n')}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
