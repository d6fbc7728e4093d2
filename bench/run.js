#!/usr/bin/env node
// `npm run bench` (full) or `npm run bench -- --quick`: every figure of the proof issue, measured in one run next to a
// bare Fastify + mongodb baseline on the same embedded database. Writes bench/results.json; a full run also appends
// to bench/RESULTS.md.
const { readFileSync } = require('node:fs');
const lib = require('./lib');
const { cannon, json, machine, sleep, startDatabase, startSystem, spawnProcess, waitHttp, freePort, table, writeResults } = lib;

const quick = process.argv.includes('--quick');
const seconds = quick ? 5 : 15;
const loadConfig = () => {
  require('./register-ts');
  return require('@app/config').loadConfig({ ...process.env, NODE_ENV: 'test' });
};

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
}

function count503(result) {
  const stats = result.statusCodeStats ?? {};
  return Object.entries(stats).reduce((n, [code, s]) => (code === '503' ? n + s.count : n), 0);
}

async function login(baseUrl) {
  const res = await json('POST', `${baseUrl}/api/v2/auth/login`, { username: 'admin', password: 'admin' });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

async function createMovie(baseUrl, token) {
  const res = await json(
    'POST',
    `${baseUrl}/api/v2/movies`,
    { name: 'Benchmark movie', url: 'https://example.com/m', coverImage: 'https://example.com/c.jpg', description: 'A movie to read.' },
    token,
  );
  if (res.status !== 201) throw new Error(`movie create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

function verifyPerSec(config) {
  const { TokenVerifier } = require('@app/auth');
  const verifier = new TokenVerifier(config);
  const token = verifier.signServiceToken('bench', 3600);
  for (let i = 0; i < 2000; i++) verifier.verify(token);
  let n = 0;
  const start = process.hrtime.bigint();
  const until = Date.now() + (quick ? 1000 : 3000);
  while (Date.now() < until) {
    for (let i = 0; i < 200; i++) verifier.verify(token);
    n += 200;
  }
  return Math.round(n / (Number(process.hrtime.bigint() - start) / 1e9));
}

async function main() {
  const config = loadConfig();
  const info = machine();
  console.log(`machine: ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}; ${quick ? 'quick' : 'full'} run`);
  const dataDir = lib.mkdtempSync(lib.join(lib.tmpdir(), 'bench-db-'));
  const db = await startDatabase(dataDir);
  const cleanup = [];
  try {
    // p6: start-to-ready of the one-process system with the database already up, then idle memory.
    const single = await startSystem({ mode: 'single', mongoUri: db.uri, env: { AUTH_LOGIN_IP_LIMIT: '1000000' } });
    cleanup.push(single);
    await sleep(3000);
    const p6 = { rssMb: rssMb(single.proc.pid), readyMs: single.readyMs };
    console.log('p6', p6);

    const token = await login(single.baseUrl);
    const movieId = await createMovie(single.baseUrl, token);
    const path = `/api/v2/movies/${movieId}`;
    const headers = { authorization: `Bearer ${token}` };

    const basePort = await freePort();
    const baseline = spawnProcess(
      [
        lib.join(__dirname, 'baseline.js'),
        String(basePort),
        db.uri,
        `${config.mongo.dbPrefix}_movie`,
        config.jwt.secret,
        config.jwt.issuer,
      ],
      {},
      'baseline',
    );
    cleanup.push(baseline);
    const baseUrl = `http://127.0.0.1:${basePort}`;
    await waitHttp(`${baseUrl}/health`, baseline);
    const check = await json('GET', `${baseUrl}${path}`, undefined, token);
    if (check.status !== 200 || check.body.name !== 'Benchmark movie') throw new Error(`baseline answers ${check.status}`);

    // p1: 50 connections, system vs baseline, same query and token check.
    await cannon({ url: `${single.baseUrl}${path}`, headers, connections: 50, duration: 2 });
    const sys50 = await cannon({ url: `${single.baseUrl}${path}`, headers, connections: 50, duration: seconds });
    await cannon({ url: `${baseUrl}${path}`, headers, connections: 50, duration: 2 });
    const base50 = await cannon({ url: `${baseUrl}${path}`, headers, connections: 50, duration: seconds });
    const p1 = {
      throughputRatio: +(sys50.requests.average / base50.requests.average).toFixed(3),
      p99Ratio: +(sys50.latency.p99 / Math.max(1, base50.latency.p99)).toFixed(3),
      systemRps: Math.round(sys50.requests.average),
      baselineRps: Math.round(base50.requests.average),
      systemP99Ms: sys50.latency.p99,
      baselineP99Ms: base50.latency.p99,
      systemNon2xx: sys50.non2xx,
    };
    console.log('p1', p1);
    await baseline.stop();
    cleanup.splice(cleanup.indexOf(baseline), 1);

    // p5: /health/live p99 while 20 logins per second run.
    let logins = 0;
    let loginFailures = 0;
    const loginTimer = setInterval(() => {
      json('POST', `${single.baseUrl}/api/v2/auth/login`, { username: 'admin', password: 'admin' }).then(
        (r) => (r.status === 200 ? logins++ : loginFailures++),
        () => loginFailures++,
      );
    }, 50);
    const live = await cannon({ url: `${single.baseUrl}/health/live`, connections: 2, duration: seconds });
    clearInterval(loginTimer);
    const p5 = { liveP99Ms: live.latency.p99, loginsPerSec: +(logins / seconds).toFixed(1), loginFailures };
    console.log('p5', p5);

    // p2: p50 at 10 connections, split vs one process.
    const single10 = await cannon({ url: `${single.baseUrl}${path}`, headers, connections: 10, duration: seconds });
    await single.stop();
    cleanup.splice(cleanup.indexOf(single), 1);
    const split = await startSystem({
      mode: 'split',
      mongoUri: db.uri,
      env: { RESILIENCE_CALL_TIMEOUT_MS: '300', RESILIENCE_MAX_FAILURES: '3' },
    });
    cleanup.push(split);
    await cannon({ url: `${split.baseUrl}${path}`, headers, connections: 10, duration: 2 });
    const split10 = await cannon({ url: `${split.baseUrl}${path}`, headers, connections: 10, duration: seconds });
    const p2 = {
      p50Ratio: +(split10.latency.p50 / Math.max(1, single10.latency.p50)).toFixed(3),
      splitP50Ms: split10.latency.p50,
      singleP50Ms: single10.latency.p50,
    };
    console.log('p2', p2);

    // p3: the movie service hung (SIGSTOP) after its breaker opened: answers must be fast 503s.
    const movie = split.state().apps.find((a) => a.service === 'movie');
    let p3;
    process.kill(movie.pid, 'SIGSTOP');
    try {
      for (let i = 0; i < 20; i++) await json('GET', `${split.baseUrl}${path}`, undefined, token);
      const hung = await cannon({ url: `${split.baseUrl}${path}`, headers, connections: 10, duration: seconds });
      const total = hung.requests.total || 1;
      p3 = { p99Ms: hung.latency.p99, answered503: +(count503(hung) / total).toFixed(4), requests: total };
    } finally {
      process.kill(movie.pid, 'SIGCONT');
    }
    console.log('p3', p3);

    const p4 = { verifyPerSec: verifyPerSec(config) };
    console.log('p4', p4);

    const results = { machine: info, mode: quick ? 'quick' : 'full', p1, p2, p3, p4, p5, p6 };
    const goals = [
      ['metric', 'value', 'goal', 'met'],
      ['p1.throughputRatio', p1.throughputRatio, '>= 0.60', p1.throughputRatio >= 0.6],
      ['p1.p99Ratio', p1.p99Ratio, '<= 2.0', p1.p99Ratio <= 2],
      ['p2.p50Ratio', p2.p50Ratio, '<= 1.5', p2.p50Ratio <= 1.5],
      ['p3.p99Ms', p3.p99Ms, '<= 10', p3.p99Ms <= 10],
      ['p3.answered503', p3.answered503, '= 1.0', p3.answered503 === 1],
      ['p4.verifyPerSec', p4.verifyPerSec, '>= 20000', p4.verifyPerSec >= 20000],
      ['p5.liveP99Ms', p5.liveP99Ms, '<= 20', p5.liveP99Ms <= 20],
      ['p6.rssMb', p6.rssMb, '<= 250', p6.rssMb <= 250],
      ['p6.readyMs', p6.readyMs, '<= 5000', p6.readyMs <= 5000],
    ];
    const rendered = table(goals.map((r) => r.map((c) => (c === true ? 'yes' : c === false ? 'NO' : c))));
    console.log(`\n${rendered}\n`);
    const md =
      `## ${info.date.slice(0, 10)} — ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}\n\n` +
      `Baseline: ${p1.baselineRps} req/s, p99 ${p1.baselineP99Ms} ms; system (one process): ${p1.systemRps} req/s, p99 ${p1.systemP99Ms} ms.\n\n${rendered}\n`;
    writeResults(results, md, !quick);
  } finally {
    for (const p of cleanup.reverse()) await p.stop().catch(() => undefined);
    await db.stop();
    lib.rmSync(dataDir, { recursive: true, force: true });
  }
}

main()
  // Ratings at scale (issue 13): its own database and systems, after the figures above.
  .then(() => require('./ratings.bench').main({ mode: 'both', record: !quick, label: 'npm run bench' }))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
