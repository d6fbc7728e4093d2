#!/usr/bin/env node
// Ratings at scale (run `npm run build` first; also part of `npm run bench`): 300 distinct users rate one movie with
// 50 requests in flight through the gateway, in one process and split with two movie instances, after a first burst of
// 150 other users on another movie (the cold system, reported as its own row). Measures ratings/s,
// latency, non-2xx answers, catalog reads of other movies during the burst, and how long after the burst the movie's
// averageRating/ratingCount equal the values recomputed from its ratings; then a mixed run (inserts, changes and
// deletes by the same users) that must end exact too. The system runs on this Node and on the newest LTS line (the
// official build from npm, as in the container image), each against a fresh database.
// Usage: node bench/ratings.bench.js [--mode single|split|both] [--node current|lts|both] [--record] [--label "text"]
const { appendFileSync } = require('node:fs');
const http = require('node:http');
const { join } = require('node:path');
const lib = require('./lib');

const USERS = 300;
const IN_FLIGHT = 50;
const READERS = 4;
const OTHER_MOVIES = 20;
/** Ratings of another movie by other users before the measured burst, on the cold system (reported as its own row). */
const WARMUP_USERS = 150;
const EXACT_WAIT_MS = 5000;

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

function loadConfig() {
  require('./register-ts');
  return require('@app/config').loadConfig({ ...process.env, NODE_ENV: 'test' });
}

const { tokenFor } = lib;

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// The load comes from this process on the same two cores as the system under test: node:http on a keep-alive agent
// costs this side about a third of the CPU that fetch (undici's WHATWG streams) does, which the system gets instead.
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT + READERS });

function call(method, url, token, body) {
  const t0 = process.hrtime.bigint();
  const payload = body ? JSON.stringify(body) : undefined;
  const headers = { authorization: `Bearer ${token}` };
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode;
        resolve({ status, ms: ms(t0), ...(status >= 300 ? { body: Buffer.concat(chunks).toString('utf8').slice(0, 200) } : {}) });
      });
      res.on('error', () => resolve({ status: 0, ms: ms(t0) }));
    });
    req.on('error', () => resolve({ status: 0, ms: ms(t0) }));
    req.end(payload);
  });
}

/** Runs every user's operations (one user's in order), `IN_FLIGHT` at once, while readers fetch other movies. */
async function burst(baseUrl, movieId, plans, readToken, otherIds) {
  const statuses = {};
  const times = [];
  // The first answer of each failing status, so a table row says why it failed.
  const failures = {};
  let ops = 0;
  let stop = false;
  const reads = { times: [], statuses: {} };
  const readers = Array.from({ length: READERS }, async (_, r) => {
    for (let k = r; !stop; k++) {
      const res = await call('GET', `${baseUrl}/api/v2/movies/${otherIds[k % otherIds.length]}`, readToken);
      reads.times.push(res.ms);
      reads.statuses[res.status] = (reads.statuses[res.status] ?? 0) + 1;
    }
  });
  const queue = [...plans];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        for (const op of plan.ops) {
          const url = `${baseUrl}/api/v2/movies/${movieId}/rating`;
          const res = op === null ? await call('DELETE', url, plan.user.token) : await call('PUT', url, plan.user.token, { score: op });
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.body && !failures[res.status]) failures[res.status] = res.body;
          times.push(res.ms);
          ops++;
        }
      }
    }),
  );
  const wallMs = ms(t0);
  const endedAt = process.hrtime.bigint();
  stop = true;
  await Promise.all(readers);
  times.sort((a, b) => a - b);
  reads.times.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce((n, [s, c]) => (s.startsWith('2') ? n : n + c), 0);
  const readNon200 = Object.entries(reads.statuses).reduce((n, [s, c]) => (s === '200' ? n : n + c), 0);
  return {
    endedAt,
    ops,
    non2xx,
    statuses,
    failures,
    perSec: Math.round((ops / wallMs) * 1000),
    p50Ms: +percentile(times, 50).toFixed(1),
    p99Ms: +percentile(times, 99).toFixed(1),
    reads: reads.times.length,
    readNon200,
    readStatuses: reads.statuses,
    readP99Ms: +percentile(reads.times, 99).toFixed(1),
  };
}

/** Every rating of the movie, paged through the public API (waiting out a 503 from an open breaker, up to 20 s). */
async function ratingsOf(baseUrl, movieId, token) {
  const deadline = Date.now() + 20000;
  const scores = [];
  for (let page = 1; ;) {
    const res = await lib.json('GET', `${baseUrl}/api/v2/movies/${movieId}/ratings?page=${page}&limit=100`, undefined, token);
    if (res.status === 503 && Date.now() < deadline) {
      await lib.sleep(200);
      continue;
    }
    if (res.status !== 200) throw new Error(`ratings page: ${res.status} ${JSON.stringify(res.body)}`);
    for (const r of res.body.items) scores.push(r.score);
    if (page * 100 >= res.body.total) return scores;
    page++;
  }
}

/**
 * Milliseconds from the end of the burst (`t0`) until the movie's aggregate equals the values recomputed from its
 * stored ratings (null if not within EXACT_WAIT_MS); whether the stored ratings equal the users' acknowledged final
 * scores (checked when every call answered 2xx); how many reads of the movie answered non-200 meanwhile.
 */
async function timeToExact(baseUrl, movieId, token, t0, acknowledged) {
  const stored = await ratingsOf(baseUrl, movieId, token);
  const sum = stored.reduce((a, b) => a + b, 0);
  const avg = stored.length ? sum / stored.length : 0;
  let last;
  let exactAfterMs = null;
  let unavailable = 0;
  while (ms(t0) < EXACT_WAIT_MS) {
    const res = await lib.json('GET', `${baseUrl}/api/v2/movies/${movieId}`, undefined, token);
    last = res.body;
    if (res.status !== 200) unavailable++;
    if (res.status === 200 && res.body.ratingCount === stored.length && Math.abs(res.body.averageRating - avg) < 1e-9) {
      exactAfterMs = Math.round(ms(t0));
      break;
    }
    await lib.sleep(20);
  }
  const storedMatches = acknowledged
    ? stored.length === acknowledged.length && sum === acknowledged.reduce((a, b) => a + b, 0)
    : 'not checked (non-2xx answers)';
  return {
    exactAfterMs,
    storedMatches,
    readsAfterBurstNon200: unavailable,
    ...(exactAfterMs === null ? { last, stored: { count: stored.length, avg } } : {}),
  };
}

/** 300 first ratings, then a mixed run of inserts, changes and deletes by the same users on a second movie. */
async function scenario(sys, config, label) {
  const admin = tokenFor(config, 'admin');
  const create = async (name) => {
    const res = await lib.json('POST', `${sys.baseUrl}/api/v2/movies`, { name }, admin.token);
    if (res.status !== 201) throw new Error(`create movie: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };
  const hot = await create(`Hot movie ${label}`);
  const mixed = await create(`Mixed movie ${label}`);
  const others = [];
  for (let i = 0; i < OTHER_MOVIES; i++) others.push(await create(`Other movie ${label} ${i}`));
  const users = Array.from({ length: USERS }, () => tokenFor(config, 'user'));
  // Warm-up: a few calls so that connections and JIT are in place before measuring.
  for (const id of others.slice(0, 5)) await lib.json('GET', `${sys.baseUrl}/api/v2/movies/${id}`, undefined, admin.token);

  let seed = 11;
  const rand = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  // Every user's operations on a movie (null deletes), then how long until its aggregate equals their final scores.
  const ratingBurst = async (movie, plans) => {
    const run = await burst(sys.baseUrl, movie, plans, admin.token, others);
    const finals = plans.map((p) => p.ops[p.ops.length - 1]).filter((s) => s !== null);
    const exact = await timeToExact(sys.baseUrl, movie, admin.token, run.endedAt, run.non2xx ? null : finals);
    return { ...run, ...exact };
  };
  // The freshly started system's first burst (JIT, pools and batchers still cold), its own row: a movie that
  // becomes popular meets a system that has been taking ratings, which the measured burst then stands for.
  const warm = await create(`Warm-up movie ${label}`);
  const cold = await ratingBurst(
    warm,
    Array.from({ length: WARMUP_USERS }, () => ({ user: tokenFor(config, 'user'), ops: [1 + rand(5)] })),
  );
  const first = await ratingBurst(
    hot,
    users.map((user) => ({ user, ops: [1 + rand(5)] })),
  );

  // Mixed: every user rates first, then changes or deletes (and may rate again), in order per user.
  const plans = users.map((user) => {
    const ops = [1 + rand(5)];
    for (let k = 0; k < 3; k++) ops.push(ops[ops.length - 1] === null ? 1 + rand(5) : rand(3) === 0 ? null : 1 + rand(5));
    return { user, ops };
  });
  return { cold, first, mixed: await ratingBurst(mixed, plans) };
}

async function runMode(mode, config, mongoUri, node) {
  const sys = await lib.startSystem({
    mode,
    mongoUri,
    node: node.bin,
    args: mode === 'split' ? ['--scale', 'movie=1,1'] : [],
    env: { RECOMMENDATION_REBUILD_INTERVAL_SEC: '0' },
  });
  try {
    return await scenario(sys, config, mode);
  } finally {
    await sys.stop();
  }
}

/**
 * The Node lines to run the system on: this one (`current`), the newest LTS (`lts`, the official build from npm,
 * which the container image runs too), or `both`.
 */
function nodeLines(which) {
  const lines = [];
  if (which !== 'lts') lines.push({ bin: process.execPath, version: process.version });
  if (which !== 'current') {
    const { LTS_VERSION, ltsNode, unavailable } = require('../scripts/lts-node');
    if (unavailable()) console.log(`[ratings] not on Node ${LTS_VERSION}: ${unavailable()}`);
    else if (process.version !== `v${LTS_VERSION}`) lines.push({ bin: ltsNode((m) => console.log(`[ratings] ${m}`)), version: `v${LTS_VERSION}` });
  }
  return lines;
}

async function main(options = {}) {
  const config = loadConfig();
  const modes = (options.mode ?? arg('mode', 'both')) === 'both' ? ['single', 'split'] : [options.mode ?? arg('mode')];
  const nodes = nodeLines(options.node ?? arg('node', 'both'));
  const record = options.record ?? process.argv.includes('--record');
  const label = options.label ?? arg('label', 'current code');
  const info = lib.machine();
  const load = require('node:os').loadavg()[0].toFixed(1);
  const results = [];
  for (const node of nodes) {
    // A fresh database per Node line, so both meet the same table sizes.
    const dataDir = lib.mkdtempSync(lib.join(lib.tmpdir(), 'bench-ratings-db-'));
    const db = await lib.startDatabase(dataDir);
    try {
      for (const mode of modes) {
        const result = await runMode(mode, config, db.uri, node);
        results.push({ node: node.version, mode, result });
        console.log(
          node.version,
          mode,
          JSON.stringify(result, (k, v) => (typeof v === 'bigint' ? undefined : v), 1),
        );
      }
    } finally {
      await db.stop();
      lib.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const rows = [
    ['Node', 'mode', 'run', 'ratings/s', 'p50 ms', 'p99 ms', 'non-2xx', 'catalog reads', 'reads non-200', 'reads p99 ms', 'exact after'],
  ];
  for (const { node, mode, result } of results) {
    for (const run of ['cold', 'first', 'mixed']) {
      const r = result[run];
      const what = {
        cold: `cold start: ${WARMUP_USERS} users, another movie`,
        first: `${USERS} users, 1 rating each`,
        mixed: `mixed, ${r.ops} ops`,
      };
      rows.push([
        node,
        mode === 'split' ? 'split, 2 movie instances' : 'one process',
        what[run],
        r.perSec,
        r.p50Ms,
        r.p99Ms,
        r.non2xx ? `${r.non2xx} ${JSON.stringify(r.statuses)}` : 0,
        r.reads,
        r.readNon200 ? `${r.readNon200} ${JSON.stringify(r.readStatuses)}` : 0,
        r.readP99Ms,
        (r.exactAfterMs === null ? 'NOT within 5 s' : `${r.exactAfterMs} ms`) +
          (r.storedMatches === false ? ' (acknowledged != stored ratings!)' : '') +
          (r.readsAfterBurstNon200 ? ` (${r.readsAfterBurstNon200} reads of it non-200 meanwhile)` : ''),
      ]);
    }
  }
  const rendered = lib.table(rows);
  console.log(`\n${rendered}\n`);
  if (record) {
    appendFileSync(
      join(__dirname, 'RESULTS.md'),
      `\n## Ratings at scale (${label}): ${info.date}\n\n` +
        `Machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, the system on the Node line of each row (the load from ` +
        `Node ${info.node}); shared with other work while measured ` +
        `(1-minute load average ${load} at the start). ` +
        `${USERS} users, ${IN_FLIGHT} requests in flight through the gateway, ${READERS} readers of other movies during the burst, ` +
        `after a first burst of ${WARMUP_USERS} users on the freshly started system (the "cold start" row); ` +
        `"exact after" is the time from the end of the burst until the movie's averageRating/ratingCount equal the users' final scores ` +
        'and a recomputation from the stored ratings.\n\n' +
        `${rendered}\n`,
    );
  }
  return results;
}

module.exports = { main };

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
