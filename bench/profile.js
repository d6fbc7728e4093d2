#!/usr/bin/env node
// CPU profiles of the hot paths, and the cost table: microseconds of CPU per request by part of the request.
// Each path runs against its own system under `node --cpu-prof` (the gateway process for the open breaker, in split
// mode with the movie service stopped), loaded with autocannon; the process's CPU time over the load (from /proc)
// divided by the requests is the cost per request, and the profile's samples (bench/profile-summary.js) split it.
// Usage: node bench/profile.js [path ...] [--seconds 10] [--record]
//   paths: cached-read uncached-read baseline rating-write login open-breaker (default: all)
// Writes bench/profiles/<path>.cpuprofile.gz (open it gunzipped in Chrome DevTools or speedscope) and <path>.txt;
// --record appends the cost table to bench/RESULTS.md.
const { appendFileSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { gzipSync } = require('node:zlib');
const lib = require('./lib');
const { meter, mainThread } = require('./cpu');
const { summarise } = require('./profile-summary');
const { cannon, json, startDatabase, startSystem, sleep, join, mkdtempSync, tmpdir, rmSync } = lib;

const PATHS = ['cached-read', 'uncached-read', 'baseline', 'rating-write', 'login', 'open-breaker'];
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const seconds = Number(option('seconds', 10));
const chosen = args.filter((a, i) => !a.startsWith('--') && !['--seconds'].includes(args[i - 1]));
const paths = chosen.length ? chosen : PATHS;
for (const p of paths) if (!PATHS.includes(p)) throw new Error(`unknown path ${p} (one of ${PATHS.join(', ')})`);

function loadConfig() {
  require('./register-ts');
  return require('@app/config').loadConfig({ ...process.env, NODE_ENV: 'test' });
}

/** What each path's system is and how it is loaded. */
const SETUP = {
  'cached-read': { env: {}, connections: 50, what: 'GET /api/v2/movies/:id with a token, catalog cache on (the default)' },
  'uncached-read': { env: { CATALOG_CACHE_ENABLED: 'false' }, connections: 50, what: 'the same with the catalog cache off (P1)' },
  baseline: { env: {}, connections: 50, baseline: true, what: 'the bare Fastify + mongodb baseline (bench/baseline.js) on the same read, token checked' },
  'rating-write': { env: {}, connections: 20, what: 'PUT /api/v2/movies/:id/rating, 300 users in turn, one movie' },
  login: { env: {}, connections: 4, what: 'POST /api/v2/auth/login (admin, argon2id)' },
  'open-breaker': {
    env: { RESILIENCE_CALL_TIMEOUT_MS: '300', RESILIENCE_MAX_FAILURES: '3', CATALOG_CACHE_ENABLED: 'false' },
    connections: 10,
    split: true,
    what: 'GET /api/v2/movies/:id, split mode, movie service SIGSTOPped after its breaker opened (the gateway profiled)',
  },
};

async function load(name, sys, config) {
  const admin = await json('POST', `${sys.baseUrl}/api/v2/auth/login`, { username: 'admin', password: 'admin' });
  const token = admin.body.accessToken;
  const movie = await json(
    'POST',
    `${sys.baseUrl}/api/v2/movies`,
    { name: 'Profiled movie', url: 'https://example.com/m', coverImage: 'https://example.com/c.jpg', description: 'A movie.' },
    token,
  );
  if (movie.status !== 201) throw new Error(`movie create: ${movie.status}`);
  const movieUrl = `${sys.baseUrl}/api/v2/movies/${movie.body.id}`;
  const headers = { authorization: `Bearer ${token}` };
  if (name === 'rating-write') {
    const users = Array.from({ length: 300 }, () => lib.tokenFor(config, 'user').token);
    let i = 0;
    return {
      url: `${movieUrl}/rating`,
      method: 'PUT',
      requests: [
        {
          setupRequest: (req) => {
            const n = i++;
            return {
              ...req,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${users[n % users.length]}` },
              body: JSON.stringify({ score: 1 + (Math.floor(n / users.length) % 5) }),
            };
          },
        },
      ],
    };
  }
  if (name === 'login') {
    return {
      url: `${sys.baseUrl}/api/v2/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    };
  }
  if (name === 'open-breaker') {
    const movieApp = sys.state().apps.find((a) => a.service === 'movie');
    process.kill(movieApp.pid, 'SIGSTOP');
    sys.resume = () => process.kill(movieApp.pid, 'SIGCONT');
    for (let k = 0; k < 20; k++) await json('GET', movieUrl, undefined, token);
  }
  return { url: movieUrl, headers };
}

async function profilePath(name, db, config) {
  const setup = SETUP[name];
  const profDir = mkdtempSync(join(tmpdir(), 'profile-out-'));
  const env = { AUTH_LOGIN_IP_LIMIT: '1000000', AUTH_FAILED_LOGIN_LIMIT: '1000000', ...setup.env };
  const flags = `--cpu-prof --cpu-prof-dir=${profDir}`;
  let sys;
  if (setup.baseline) {
    // The movie is created through a system (which then stops); the baseline reads it from the same database.
    const sys0 = await startSystem({ mode: 'single', mongoUri: db.uri, env });
    let target;
    try {
      target = await load('uncached-read', sys0, config);
    } finally {
      await sys0.stop();
    }
    const port = await lib.freePort();
    process.env.BENCH_NODE_FLAGS = flags;
    let proc;
    try {
      proc = lib.spawnProcess(
        [join(__dirname, 'baseline.js'), String(port), db.uri, `${config.mongo.dbPrefix}_movie`, config.jwt.secret, config.jwt.issuer],
        {},
        'baseline',
      );
    } finally {
      delete process.env.BENCH_NODE_FLAGS;
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    await lib.waitHttp(`${baseUrl}/health`, proc);
    sys = { ...proc, baseUrl, target: { ...target, url: target.url.replace(/^http:\/\/[^/]+/, baseUrl) } };
  } else if (setup.split) {
    // Every app of the split system writes its profile (NODE_OPTIONS refuses --cpu-prof: a preload does the same);
    // the gateway's is picked by its pid.
    sys = await startSystem({
      mode: 'split',
      mongoUri: db.uri,
      env: { ...env, CPU_PROF_DIR: profDir, NODE_OPTIONS: `--require ${join(__dirname, 'cpu-prof-preload.js')}` },
    });
  } else {
    process.env.BENCH_NODE_FLAGS = flags;
    try {
      sys = await startSystem({ mode: 'single', mongoUri: db.uri, env });
    } finally {
      delete process.env.BENCH_NODE_FLAGS;
    }
  }
  const pid = setup.split ? sys.state().apps.find((a) => a.service === 'gateway').pid : sys.proc.pid;
  let result;
  let cpu;
  let loadMs;
  try {
    const request = sys.target ?? (await load(name, sys, config));
    await cannon({ ...request, connections: setup.connections, duration: 2 });
    const m = meter({ system: [pid], js: [mainThread(pid)] });
    const started = Date.now();
    result = await cannon({ ...request, connections: setup.connections, duration: seconds });
    loadMs = Date.now() - started;
    cpu = m.stop();
  } finally {
    sys.resume?.();
    const stopping = Date.now();
    await sys.stop();
    loadMs = (loadMs ?? 0) + (Date.now() - stopping);
  }
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  if (!file) throw new Error(`no profile of pid ${pid} in ${profDir}`);
  const out = join(__dirname, 'profiles', `${name}.cpuprofile.gz`);
  writeFileSync(out, gzipSync(readFileSync(join(profDir, file))));
  rmSync(profDir, { recursive: true, force: true });
  const requests = result.requests.total || 1;
  const usPerRequest = cpu.used.system / requests;
  // The profile samples the main thread only; the rest (libuv's pool: argon2, zlib; V8's GC helpers) is its own row.
  const jsUsPerRequest = cpu.used.js / requests;
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, s]) => `${code}x${s.count}`)
    .join(' ');
  const head =
    `${name}: ${setup.what}\n${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${statuses}; ` +
    `${Math.round(usPerRequest)} us of CPU per request, ${Math.round(jsUsPerRequest)} us of it on the main thread\n`;
  // Only the measured load (and the shutdown after it), not the start-up and warm-up.
  const summary = summarise(out, 30, loadMs, jsUsPerRequest);
  summary.parts.set('other threads (libuv pool: argon2; GC helpers)', ((usPerRequest - jsUsPerRequest) / jsUsPerRequest) * summary.busy);
  writeFileSync(join(__dirname, 'profiles', `${name}.txt`), `${head}${summary.text}\n`);
  console.log(`${head}${summary.text.split('\n\nTop frames')[0]}\n`);
  return { name, usPerRequest, jsUsPerRequest, rps: result.requests.average, p99: result.latency.p99, parts: summary.parts, busy: summary.busy };
}

function costTable(rows) {
  const parts = [...new Set(rows.flatMap((r) => [...r.parts.keys()]))];
  const us = (r, part) => Math.round((r.jsUsPerRequest * (r.parts.get(part) ?? 0)) / r.busy);
  parts.sort((a, b) => rows.reduce((n, r) => n + us(r, b), 0) - rows.reduce((n, r) => n + us(r, a), 0));
  return lib.table([
    ['us of CPU per request', ...rows.map((r) => r.name)],
    ...parts.map((p) => [p, ...rows.map((r) => us(r, p))]),
    ['total (measured, /proc)', ...rows.map((r) => Math.round(r.usPerRequest))],
    ['req/s, p99 ms', ...rows.map((r) => `${Math.round(r.rps)}, ${r.p99}`)],
  ]);
}

async function main() {
  const config = loadConfig();
  const info = lib.machine();
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-db-'));
  const db = await startDatabase(dataDir);
  const rows = [];
  try {
    for (const name of paths) {
      rows.push(await profilePath(name, db, config));
      await sleep(500);
    }
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const rendered = costTable(rows);
  console.log(rendered);
  if (args.includes('--record')) {
    appendFileSync(
      join(__dirname, 'RESULTS.md'),
      `\n## Cost per request (bench/profile.js), ${info.date}\n\nMachine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}. ` +
        `CPU of the system process (the gateway's for open-breaker) over ${seconds} s of load, split by its CPU profile: each sample ` +
        `goes to the first frame up its stack that belongs to a part (a socket write inside the mongodb driver is database time). ` +
        `Profiles: bench/profiles/<path>.cpuprofile.gz and .txt.\n\n${rendered}\n`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
