// Time from an instance's start to its first call (REGISTRY=nats, split mode, the launcher's own NATS server):
// `npm run start:instance -- movie` against a running system while the gateway serves reads.
// Usage: npm run build && node bench/registry.bench.js [--runs 3]   (appends to bench/RESULTS.md)
const { mkdtempSync, appendFileSync } = require('node:fs');
const { randomUUID } = require('node:crypto');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const jwt = require('jsonwebtoken');
const { GATEWAY, freePort, machine, rmSync, sleep, spawnProcess, table, waitHttp } = require('./lib');

const SECRET = 'dev-only-insecure-jwt-secret-change-me-0123456789';
const ISSUER = 'seedotech';
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

const admin = jwt.sign({ sub: 'b'.repeat(24), name: 'bench-admin', role: 'admin', jti: randomUUID() }, SECRET, {
  algorithm: 'HS256',
  issuer: ISSUER,
  expiresIn: 3600,
});

async function movieInstances(baseUrl) {
  const res = await fetch(`${baseUrl}/api/v2/admin/services`, { headers: { authorization: `Bearer ${admin}` } });
  const body = await res.json();
  return body.services.find((s) => s.name === 'movie').instances;
}

async function main() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-registry-'));
  const env = { NODE_ENV: 'test', PORT: String(port), DATA_DIR: dataDir, MONGO_URI: '', REGISTRY: 'nats', LOG_LEVEL: 'warn' };
  // No NATS_URL: the launcher starts a private NATS server for the registry.
  const childEnv = { ...process.env };
  delete childEnv.NATS_URL;
  process.env = childEnv;
  const system = spawnProcess([GATEWAY, 'split', '--free-ports'], env, 'system (split, REGISTRY=nats)');
  const baseUrl = `http://127.0.0.1:${port}`;
  const rows = [['run', 'process start -> listening ms', 'listening -> listed by the gateway ms', 'process start -> first call ms']];
  try {
    await waitHttp(`${baseUrl}/health/ready`, system);
    let reading = true;
    const reader = (async () => {
      while (reading)
        await fetch(`${baseUrl}/api/v2/genres`).then(
          (r) => r.text(),
          () => sleep(20),
        );
    })();
    for (let run = 1; run <= RUNS; run++) {
      const started = Date.now();
      const instance = spawnProcess(
        [GATEWAY, 'instance', 'movie', '--weight', '1'],
        { NODE_ENV: 'test', DATA_DIR: dataDir, MONGO_URI: '' },
        'instance',
      );
      const pid = instance.proc.pid;
      let listening = 0;
      let listed = 0;
      let firstCall = 0;
      while (!firstCall) {
        if (instance.proc.exitCode !== null) throw new Error(`instance exited:\n${instance.output()}`);
        // Written straight to stdout once the transport listens (the announcement follows at once, then the gateway's next poll).
        if (!listening && instance.output().includes('] listening (')) listening = Date.now();
        const mine = (await movieInstances(baseUrl)).find((i) => i.metadata.instance?.includes(`:${pid}:`));
        if (mine && !listed) listed = Date.now();
        if (mine && mine.calls.success > 0) firstCall = Date.now();
        if (Date.now() - started > 120000) throw new Error('no call reached the new instance within 120 s');
        await sleep(10);
      }
      rows.push([run, listening - started, listed - listening, firstCall - started]);
      await instance.stop();
    }
    reading = false;
    await reader;
  } finally {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const m = machine();
  const text = `## registry.bench.js — ${m.date}\n\n${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}. Split mode, REGISTRY=nats (registry.pollMs 500), reads running; a new movie instance via \`platform instance movie\`. "Process start" includes Node start-up, Nest bootstrap and the database connection.\n\n${table(rows)}\n`;
  console.log(text);
  appendFileSync(join(__dirname, 'RESULTS.md'), `\n${text}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
