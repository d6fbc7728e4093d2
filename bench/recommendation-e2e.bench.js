#!/usr/bin/env node
// The same data set through the running system (split mode, embedded FerretDB): ratings are written
// straight into the movie service's database, then POST /api/v2/recommendations/rebuild is timed
// (export over RPC + build + storing the similarities), then GET /api/v2/recommendations latency
// for many users. Needs `npm run build` first. Appends its table to bench/RESULTS.md.
const { spawn } = require('node:child_process');
const { appendFileSync, mkdtempSync, readFileSync, rmSync, existsSync } = require('node:fs');
const { freePort, sleep } = require('./lib');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const jwt = require('jsonwebtoken');
const { MongoClient, ObjectId } = require('mongodb');
const YAML = require('yaml');

const root = path.join(__dirname, '..');
const USERS = 1000;
const MOVIES = 2000;
const RATINGS = 100000;
const CONCURRENCY = 4;
const config = YAML.parse(readFileSync(path.join(root, 'config', 'default.yaml'), 'utf8'));
const sign = (sub, role) =>
  jwt.sign({ sub, name: role, role, jti: randomUUID() }, config.jwt.secret, {
    algorithm: 'HS256',
    issuer: config.jwt.issuer,
    expiresIn: 3600,
  });
require('./register-ts');
const { mulberry32 } = require('../apps/movie/src/demo/demo-data.util.ts');

async function main() {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'movie-bench-'));
  const stateFile = path.join(dataDir, 'state.json');
  const proc = spawn(process.execPath, [path.join(root, 'dist/apps/platform/main.js'), 'split', '--free-ports'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      SPLIT_STATE_FILE: stateFile,
      MONGO_URI: '',
      RESILIENCE_CALL_TIMEOUT_MS: '5000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('system did not start');
      const ok = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok && existsSync(stateFile)) break;
      await sleep(200);
    }
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    const client = await MongoClient.connect(state.db.uri);
    const db = client.db(`${config.mongo.dbPrefix}_movie`);
    const rand = mulberry32(42);
    const movieIds = Array.from({ length: MOVIES }, () => new ObjectId());
    const userIds = Array.from({ length: USERS }, () => new ObjectId().toHexString());
    const now = new Date();
    const sums = new Array(MOVIES).fill(0);
    const counts = new Array(MOVIES).fill(0);
    const ratings = [];
    const seen = new Set();
    while (ratings.length < RATINGS) {
      const u = Math.floor(rand() * USERS);
      const m = Math.floor(Math.pow(rand(), 1.5) * MOVIES);
      if (seen.has(u * MOVIES + m)) continue;
      seen.add(u * MOVIES + m);
      const affinity = u % 20 === m % 20 ? 1.5 : u % 20 === (m + 10) % 20 ? -1.5 : 0;
      const score = Math.min(5, Math.max(1, Math.round(3 + affinity + (rand() - 0.5) * 2)));
      sums[m] += score;
      counts[m]++;
      ratings.push({ movieId: movieIds[m], userId: userIds[u], score, comment: '', createdAt: now, updatedAt: now });
    }
    process.stderr.write('loading data ...\n');
    await db.collection('movies').insertMany(
      movieIds.map((_id, i) => ({
        _id,
        name: `Bench movie ${i}`,
        url: '',
        coverImage: '',
        description: '',
        genres: [],
        year: 2000,
        ratingSum: sums[i],
        ratingCount: counts[i],
        averageRating: counts[i] ? sums[i] / counts[i] : 0,
        createdAt: now,
        updatedAt: now,
      })),
    );
    for (let i = 0; i < ratings.length; i += 5000)
      await db.collection('ratings').insertMany(ratings.slice(i, i + 5000), { ordered: false });
    await client.close();

    const admin = sign(new ObjectId().toHexString(), 'admin');
    // The ratings went straight into the movie database (no change events): a repair reads them all once, then the
    // rebuild that is timed works from the recommendation service's own copy, as every later rebuild does.
    process.stderr.write('repairing (reading every rating from the movie service) ...\n');
    const repairStarted = Date.now();
    const repair = await fetch(`${base}/api/v2/recommendations/rebuild?repair=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    const repairWall = Date.now() - repairStarted;
    const repaired = await repair.json();
    if (repair.status !== 200) throw new Error(`repair: ${repair.status} ${JSON.stringify(repaired)}`);
    process.stderr.write('rebuilding ...\n');
    const started = Date.now();
    const rebuild = await fetch(`${base}/api/v2/recommendations/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    const wall = Date.now() - started;
    const summary = await rebuild.json();
    if (rebuild.status !== 200) throw new Error(`rebuild: ${rebuild.status} ${JSON.stringify(summary)}`);

    const tokens = userIds.map((id) => sign(id, 'user'));
    const strategyCounts = {};
    // Two passes over every user: the first meets a cold movie-details cache, the second the steady state.
    const passes = [];
    for (let pass = 0; pass < 2; pass++) {
      const times = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < USERS) {
            const token = tokens[next++];
            const t0 = process.hrtime.bigint();
            const res = await fetch(`${base}/api/v2/recommendations?limit=20`, { headers: { authorization: `Bearer ${token}` } });
            const body = await res.json();
            times.push(Number(process.hrtime.bigint() - t0) / 1e6);
            strategyCounts[body.strategy ?? res.status] = (strategyCounts[body.strategy ?? res.status] ?? 0) + 1;
          }
        }),
      );
      passes.push(times.sort((x, y) => x - y));
    }
    const pct = (times, p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(1);
    const line = (times) => `p50 ${pct(times, 50)} / p95 ${pct(times, 95)} / p99 ${pct(times, 99)} ms`;
    const rows = [
      ['data', `${summary.users} users x ${summary.movies} movies x ${summary.ratings} ratings`],
      [
        'repair through the API (every rating re-read over RPC, then build; storing the model runs behind)',
        `${repaired.ms} ms in the service, ${repairWall} ms HTTP wall time`,
      ],
      [
        "rebuild through the API (from the service's ratings copy; the model answers when built, storing runs behind)",
        `${summary.ms} ms in the service, ${wall} ms HTTP wall time, goal <= 3000 ms`,
      ],
      [`GET /api/v2/recommendations?limit=20, first request per user (${USERS}, ${CONCURRENCY} concurrent, cold cache)`, line(passes[0])],
      [
        `GET /api/v2/recommendations?limit=20, second request per user (${USERS}, ${CONCURRENCY} concurrent)`,
        `${line(passes[1])}, goal p95 <= 50 ms`,
      ],
      ['strategies', JSON.stringify(strategyCounts)],
    ];
    const table = ['| measure | result |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
    process.stdout.write(`${table}\n`);
    if (!process.argv.includes('--no-record')) {
      const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
      appendFileSync(
        path.join(__dirname, 'RESULTS.md'),
        `\n## Recommendations through the running system (split mode, FerretDB 1.24 on SQLite): ${new Date().toISOString()}\n\n` +
          `Machine: ${machine}; shared with other work while measured (load average ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')} at the end). Gateway -> recommendation -> movie over TCP; ` +
          'a request scores from the in-memory model and per-user snapshot, and fetches from the movie service only the movie details it has not cached (60 s).\n\n' +
          `${table}\n`,
      );
    }
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
