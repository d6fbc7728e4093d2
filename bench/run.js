#!/usr/bin/env node
// `npm run bench` (full) or `npm run bench -- --quick`: every figure of the proof issue, measured in one run next to a
// bare Fastify + mongodb baseline on the same embedded database. Writes bench/results.json; a full run also appends
// to bench/RESULTS.md.
const { readFileSync } = require('node:fs');
const lib = require('./lib');
const { cannon, json, machine, sleep, startDatabase, startSystem, spawnProcess, waitHttp, freePort, table, writeResults } = lib;
const { insertMovies, metricValue, readEach } = require('./catalog');
const { meter, tree } = require('./cpu');
const { idleDatabase } = require('./db-commands');

const quick = process.argv.includes('--quick');
/** `GET /api/v1/movies/list` (demo catalog, 100 movies, 25.8 kB) on the landed code before the catalog cache (issue 19). */
const LANDED_LIST_RPS = 112;
const seconds = quick ? 5 : 15;
const WARMUP_S = 12;
const P1_ROUNDS = 3;
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
    const movieDb = `${config.mongo.dbPrefix}_movie`;
    await insertMovies(db.uri, movieDb, 100);
    // The cold path: every figure up to p3 with the catalog cache off, so each request reads the database.
    const cold = { CATALOG_CACHE_ENABLED: 'false' };
    // p6: start-to-ready of the one-process system with the database already up, then idle memory.
    const single = await startSystem({ mode: 'single', mongoUri: db.uri, env: { AUTH_LOGIN_IP_LIMIT: '1000000', ...cold } });
    cleanup.push(single);
    await sleep(3000);
    const p6 = { rssMb: rssMb(single.proc.pid), readyMs: single.readyMs };
    console.log('p6', p6);
    // Idle: CPU of the one-process system (and its database) with no requests at all, once it settled. The first
    // seconds after ready still hold start-up work (JIT, the first model build and snapshot), and about 24 s after the
    // last start-up major GC V8's memory reducer runs two full GCs that return the start-up heap to the OS (measured
    // 2026-12-07 with --trace-gc: "Mark-Compact (reduce)" 67.7 (122.9) -> 53.3 (57.4) MB at 26.6 s, RSS 189 -> 131 MB,
    // 0.3 s of CPU over five threads, once). A window that caught it read 3-6.6 %; the same process before and after
    // reads 0.2-0.6 %. So the window opens once the reducer has run (RSS fell by a fifth from its peak since ready),
    // 60 s after ready at the latest, and the CPU from 3 s after ready until then is reported as the settle cost.
    const settleMeter = meter({ system: [single.proc.pid] });
    const settleStart = Date.now();
    let peakRss = rssMb(single.proc.pid);
    let reducerSeen = false;
    while (!reducerSeen && Date.now() - settleStart < 57_000) {
      await sleep(250);
      const rss = rssMb(single.proc.pid);
      peakRss = Math.max(peakRss, rss);
      reducerSeen = rss < 0.8 * peakRss;
    }
    await sleep(2000); // the reducer's second GC follows the first within a second
    const settleUse = settleMeter.stop();
    const opensAfterReadyS = +((3000 + Date.now() - settleStart) / 1000).toFixed(1);
    const idleMeter = meter({ system: [single.proc.pid], database: tree(db.proc.pid) });
    await sleep(quick ? 10_000 : 30_000);
    const idleUse = idleMeter.stop();
    const idle = {
      systemCpuPct: +((100 * idleUse.used.system) / idleUse.wallUs).toFixed(2),
      databaseCpuPct: +((100 * idleUse.used.database) / idleUse.wallUs).toFixed(2),
      seconds: +(idleUse.wallUs / 1e6).toFixed(1),
      // When the window opened (s after ready), whether the memory reducer was seen, its RSS before and after, and
      // the CPU the system spent settling (ms, all threads) from 3 s after ready until the window opened.
      opensAfterReadyS,
      reducerSeen,
      startupRssMb: peakRss,
      settledRssMb: rssMb(single.proc.pid),
      settleCpuMs: Math.round(settleUse.used.system / 1e3),
    };
    console.log('idle', idle);
    // Idle database work: every command the system sends with no requests, counted at a proxy (default settings).
    for (const mode of ['single', 'split']) idle[`${mode}Database`] = await idleDatabase(db.uri, mode, quick ? 10 : 20);
    console.log('idle database commands', { single: idle.singleDatabase, split: idle.splitDatabase });

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
    // Both warmed alike, long enough for V8 to have optimised the hot path (a 2 s warm-up left the system's first
    // seconds, the larger code base, in the measurement: measured here 445 vs 835 req/s for the same system; after
    // 6 s the first round was still the low one in three runs of 2026-12-07, 0.63-0.67 against 0.78-0.88). Then
    // system and baseline take turns, P1_ROUNDS times: on this shared machine one pair of runs moved the ratio by
    // 0.1-0.15 between minutes; the ratios are of all the rounds' requests, and of the rounds' median p99s.
    await cannon({ url: `${single.baseUrl}${path}`, headers, connections: 50, duration: WARMUP_S });
    await cannon({ url: `${baseUrl}${path}`, headers, connections: 50, duration: WARMUP_S });
    const rounds = [];
    for (let r = 0; r < P1_ROUNDS; r++) {
      const sys = await cannon({ url: `${single.baseUrl}${path}`, headers, connections: 50, duration: seconds });
      const base = await cannon({ url: `${baseUrl}${path}`, headers, connections: 50, duration: seconds });
      rounds.push({ sys, base });
      console.log(`p1 round ${r + 1}: system ${Math.round(sys.requests.average)} req/s p99 ${sys.latency.p99} ms, baseline ${Math.round(base.requests.average)} req/s p99 ${base.latency.p99} ms`);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const total = (side) => rounds.reduce((n, r) => n + r[side].requests.total, 0);
    const sysP99 = median(rounds.map((r) => r.sys.latency.p99));
    const baseP99 = median(rounds.map((r) => r.base.latency.p99));
    const p1 = {
      throughputRatio: +(total('sys') / total('base')).toFixed(3),
      p99Ratio: +(sysP99 / Math.max(1, baseP99)).toFixed(3),
      systemRps: Math.round(total('sys') / (P1_ROUNDS * seconds)),
      baselineRps: Math.round(total('base') / (P1_ROUNDS * seconds)),
      systemP99Ms: sysP99,
      baselineP99Ms: baseP99,
      systemNon2xx: rounds.reduce((n, r) => n + r.sys.non2xx, 0),
      roundRatios: rounds.map((r) => +(r.sys.requests.total / r.base.requests.total).toFixed(3)),
    };
    console.log('p1', p1);
    await baseline.stop();
    cleanup.splice(cleanup.indexOf(baseline), 1);

    // The uncached list (cache off), 10 connections as in the issue's figure.
    const listUrl = `${single.baseUrl}/api/v1/movies/list`;
    await cannon({ url: listUrl, connections: 10, duration: 2 });
    const listCold = await cannon({ url: listUrl, connections: 10, duration: seconds });
    console.log('list (cache off)', { rps: Math.round(listCold.requests.average), p99Ms: listCold.latency.p99, non2xx: listCold.non2xx });

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
      env: { RESILIENCE_CALL_TIMEOUT_MS: '300', RESILIENCE_MAX_FAILURES: '3', ...cold },
    });
    cleanup.push(split);
    // Warmed as long as P1 warmed the one process, which has served 30 s and more of reads by now: after 2 s the
    // split processes' code was not yet optimised (2026-12-07: split p50 14 ms after 2 s of warm-up, one process
    // 6 ms; in a separate run after 5 s, 10 ms against 8).
    await cannon({ url: `${split.baseUrl}${path}`, headers, connections: 10, duration: WARMUP_S });
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
    await split.stop();
    cleanup.splice(cleanup.indexOf(split), 1);

    // The catalog cache on: the same list from memory, then revalidations of it (304), then memory for 10,000 movies.
    const cached = await startSystem({ mode: 'single', mongoUri: db.uri, env: { AUTH_LOGIN_IP_LIMIT: '1000000' } });
    cleanup.push(cached);
    const cachedListUrl = `${cached.baseUrl}/api/v1/movies/list`;
    await cannon({ url: cachedListUrl, connections: 10, duration: 2 });
    const list200 = await cannon({ url: cachedListUrl, connections: 10, duration: seconds });
    const etag = (await fetch(cachedListUrl)).headers.get('etag');
    const list304 = await cannon({ url: cachedListUrl, headers: { 'if-none-match': etag }, connections: 10, duration: seconds });
    const list = {
      cachedRps: Math.round(list200.requests.average),
      cachedP50Ms: list200.latency.p50,
      cachedP99Ms: list200.latency.p99,
      cachedNon2xx: list200.non2xx,
      coldRps: Math.round(listCold.requests.average),
      coldP99Ms: listCold.latency.p99,
      landedRps: LANDED_LIST_RPS,
      vsLanded: +(list200.requests.average / LANDED_LIST_RPS).toFixed(1),
      vsCold: +(list200.requests.average / Math.max(1, listCold.requests.average)).toFixed(1),
    };
    console.log('list', list);
    const notModified = {
      rps304: Math.round(list304.requests.average),
      p50Ms304: list304.latency.p50,
      p99Ms304: list304.latency.p99,
      status304: list304.statusCodeStats?.['304']?.count ?? 0,
      rps200: list.cachedRps,
      p50Ms200: list.cachedP50Ms,
      p99Ms200: list.cachedP99Ms,
    };
    console.log('304 vs 200', notModified);

    // Memory: 10,000 more movies, one cached answer each; RSS of the whole one-process system before and after.
    const ids = await insertMovies(db.uri, movieDb, 10000);
    // Written behind the service's back: one write through the API invalidates every cached answer.
    await createMovie(cached.baseUrl, token);
    await sleep(1000);
    const rssBefore = rssMb(cached.proc.pid);
    const failedReads = await readEach(cached.baseUrl, ids);
    const memory = {
      movies: ids.length,
      cacheEntries: await metricValue(cached.baseUrl, 'catalog_cache_entries'),
      cacheMb: +((await metricValue(cached.baseUrl, 'catalog_cache_bytes')) / 2 ** 20).toFixed(1),
      rssBeforeMb: rssBefore,
      rssAfterMb: rssMb(cached.proc.pid),
      failedReads,
    };
    memory.rssGrowthMb = memory.rssAfterMb - memory.rssBeforeMb;
    // The same 10,000 answers in the cache alone, with garbage collected around the fill (bench/cache-memory.js).
    const { execFileSync } = require('node:child_process');
    memory.isolated = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', lib.join(__dirname, 'cache-memory.js')], { encoding: 'utf8' }),
    );
    console.log('cache memory', memory);
    // Tracing's hooks on the P1 request, off (the default) and on (bench/tracing.js), in a process of their own.
    const tracing = JSON.parse(
      execFileSync(process.execPath, [lib.join(__dirname, 'tracing.js'), String(p1.systemRps)], { encoding: 'utf8' }),
    );
    console.log('tracing', tracing);

    const results = { machine: info, mode: quick ? 'quick' : 'full', p1, p2, p3, p4, p5, p6, idle, list, notModified, memory, tracing };
    const goals = [
      ['p1.throughputRatio (cache off)', p1.throughputRatio, '>= 0.75', p1.throughputRatio >= 0.75],
      ['p1.p99Ratio (cache off)', p1.p99Ratio, '<= 1.5', p1.p99Ratio <= 1.5],
      ['p2.p50Ratio', p2.p50Ratio, '<= 1.5', p2.p50Ratio <= 1.5],
      ['p3.p99Ms (breaker open)', p3.p99Ms, '<= 5', p3.p99Ms <= 5],
      ['p3.answered503', p3.answered503, '= 1.0', p3.answered503 === 1],
      ['p4.verifyPerSec', p4.verifyPerSec, '>= 20000', p4.verifyPerSec >= 20000],
      ['p5.liveP99Ms', p5.liveP99Ms, '<= 20', p5.liveP99Ms <= 20],
      ['p6.rssMb', p6.rssMb, '<= 250', p6.rssMb <= 250],
      ['p6.readyMs', p6.readyMs, '<= 5000', p6.readyMs <= 5000],
      ['idle.systemCpuPct (% of a core)', idle.systemCpuPct, '<= 1', idle.systemCpuPct <= 1],
      ['idle.databaseCpuPct (% of a core, info)', idle.databaseCpuPct, '(info)', '-'],
      [
        'idle window opens, s after ready (memory reducer seen; settle CPU ms; RSS MB start-up -> settled)',
        `${idle.opensAfterReadyS} (${idle.reducerSeen}; ${idle.settleCpuMs}; ${idle.startupRssMb} -> ${idle.settledRssMb})`,
        '(info)',
        '-',
      ],
      ...['single', 'split'].map((mode) => {
        const { changeReadsPerSecond, perSecond, monitoringPerSecond } = idle[`${mode}Database`];
        return [
          `idle ${mode}: change-detection reads/s (all app commands/s, driver monitoring/s)`,
          `${changeReadsPerSecond} (${perSecond}, ${monitoringPerSecond})`,
          '= 0',
          changeReadsPerSecond === 0,
        ];
      }),
      ['tracing off: % of a P1 request', tracing.offPctOfP1, '< 2', tracing.offPctOfP1 < 2],
      ['tracing on (spans in memory): us per request, % of P1', `${tracing.onUsPerRequest}, ${tracing.onPctOfP1}`, '(info)', '-'],
      ['list.cachedRps / landed uncached 112', list.vsLanded, '>= 10', list.vsLanded >= 10],
      ['list.cachedRps / cache off (this run)', list.vsCold, '(info)', '-'],
      ['list.cachedP99Ms', list.cachedP99Ms, '<= 20', list.cachedP99Ms <= 20],
      [
        '304 rps vs 200 rps (same URL)',
        `${notModified.rps304} vs ${notModified.rps200}`,
        '304 higher',
        notModified.rps304 > notModified.rps200,
      ],
      ['cache MB / RSS growth MB (10,000 movies)', `${memory.cacheMb} / ${memory.rssGrowthMb}`, '(info)', '-'],
      [
        'cache alone: counted / heap / RSS MB (10,000)',
        `${memory.isolated.countedMb} / ${memory.isolated.heapGrowthMb} / ${memory.isolated.rssGrowthMb}`,
        '(info)',
        '-',
      ],
    ];
    const summary =
      `Baseline: ${p1.baselineRps} req/s, p99 ${p1.baselineP99Ms} ms; system (one process, cache off): ${p1.systemRps} req/s, p99 ${p1.systemP99Ms} ms. ` +
      `Idle for ${idle.seconds} s from ${idle.opensAfterReadyS} s after ready: system ${idle.systemCpuPct} %, database ${idle.databaseCpuPct} % of a core ` +
      `(settling before it: ${idle.settleCpuMs} ms of CPU, RSS ${idle.startupRssMb} -> ${idle.settledRssMb} MB). ` +
      `List (v1, 100 movies, 10 connections): cache off ${list.coldRps} req/s (p99 ${list.coldP99Ms} ms), cached ${list.cachedRps} req/s ` +
      `(p50 ${list.cachedP50Ms}, p99 ${list.cachedP99Ms} ms), 304 ${notModified.rps304} req/s (p99 ${notModified.p99Ms304} ms). ` +
      `Cache with ${memory.movies} movies: ${memory.cacheEntries} entries, ${memory.cacheMb} MB counted, RSS ${memory.rssBeforeMb} -> ${memory.rssAfterMb} MB.`;
    return { info, results, goals, summary };
  } finally {
    for (const p of cleanup.reverse()) await p.stop().catch(() => undefined);
    await db.stop();
    lib.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Ratings at scale (issue 13): its own database and systems, after the figures above; 300 raters of one movie in one process. */
async function ratings(goals, results) {
  const rows = await require('./ratings.bench').main({ mode: 'both', record: !quick, label: 'npm run bench' });
  results.ratings = rows.map(({ node, mode, result }) => ({ node, mode, first: result.first }));
  for (const { node, result } of rows.filter((r) => r.mode === 'single')) {
    const { p99Ms, non2xx } = result.first;
    goals.push([
      `ratings ${node} one process: 300 raters p99 ms, non-2xx`,
      `${p99Ms}, ${non2xx}`,
      '<= 200, 0',
      p99Ms <= 200 && non2xx === 0,
    ]);
  }
}

main()
  .then(async ({ info, results, goals, summary }) => {
    await ratings(goals, results);
    results.goals = Object.fromEntries(goals.map(([metric, value, goal, met]) => [metric, { value, goal, met }]));
    const rendered = table(
      [['metric', 'value', 'goal', 'met'], ...goals].map((r) => r.map((c) => (c === true ? 'yes' : c === false ? 'NO' : c))),
    );
    const unmet = goals.filter((g) => g[3] === false).map((g) => g[0]);
    console.log(`\n${rendered}\n\n${unmet.length ? `goals NOT met: ${unmet.join('; ')}` : 'every goal met'}\n`);
    const md = `## ${info.date.slice(0, 10)} — ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}\n\n${summary}\n\n${rendered}\n`;
    writeResults(results, md, !quick);
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
