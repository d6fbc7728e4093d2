#!/usr/bin/env node
// Item-CF build and per-request scoring on 1,000 users x 2,000 movies x 100,000 ratings, using the
// project's own TypeScript engine (apps/recommendation/src/engine/item-cf.util.ts) compiled on the fly
// with @swc/core. Prints a table and appends it to bench/RESULTS.md.
// Usage: node bench/recommendation.bench.js [--users 1000] [--movies 2000] [--ratings 100000] [--no-record]
require('./register-ts');
const { appendFileSync, existsSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildItemCf, recommend } = require('../apps/recommendation/src/engine/item-cf.util.ts');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = arg('users', 1000);
const MOVIES = arg('movies', 2000);
const RATINGS = arg('ratings', 100000);
const NEIGHBOURS = 50;

// Deterministic data with structure: 20 taste groups over 20 genres, popularity skewed towards low ids.
const { mulberry32 } = require('../apps/movie/src/demo/demo-data.util.ts');
const rand = mulberry32(42);
const hex = (prefix, n) => prefix + n.toString(16).padStart(22, '0');
const movieIds = Array.from({ length: MOVIES }, (_, i) => hex('aa', i));
const userIds = Array.from({ length: USERS }, (_, i) => hex('bb', i));
const ratings = [];
const seen = new Set();
while (ratings.length < RATINGS) {
  const u = Math.floor(rand() * USERS);
  const m = Math.floor(Math.pow(rand(), 1.5) * MOVIES);
  const key = u * MOVIES + m;
  if (seen.has(key)) continue;
  seen.add(key);
  const affinity = u % 20 === m % 20 ? 1.5 : u % 20 === (m + 10) % 20 ? -1.5 : 0;
  ratings.push([movieIds[m], userIds[u], Math.min(5, Math.max(1, Math.round(3 + affinity + (rand() - 0.5) * 2)))]);
}
const byUser = new Map();
for (const [movieId, userId, score] of ratings) (byUser.get(userId) ?? byUser.set(userId, []).get(userId)).push({ movieId, score });

const builds = [];
let model;
for (let run = 0; run < 3; run++) {
  const started = process.hrtime.bigint();
  model = buildItemCf(ratings, NEIGHBOURS);
  builds.push(Number(process.hrtime.bigint() - started) / 1e6);
}
const pairs = [...byUser.values()].reduce((a, r) => a + r.length * r.length, 0);

const times = [];
for (let round = 0; round < 3; round++) {
  for (const userId of userIds) {
    const started = process.hrtime.bigint();
    recommend(model, byUser.get(userId) ?? [], 20 + 20);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [
  ['data', `${USERS} users x ${MOVIES} movies x ${ratings.length} ratings (sum of r_u^2 = ${pairs.toLocaleString('en')})`],
  ['build (median of 3)', `${median(builds).toFixed(0)} ms (runs: ${builds.map((b) => b.toFixed(0)).join(', ')}), goal <= 30000 ms`],
  ['movies with neighbours', `${model.neighbours.size} (K = ${NEIGHBOURS})`],
  [
    'recommend p50 / p95 / p99',
    `${pct(50).toFixed(3)} / ${pct(95).toFixed(3)} / ${pct(99).toFixed(3)} ms over ${times.length} requests, goal p95 <= 50 ms`,
  ],
];
const table = ['| measure | result |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
process.stdout.write(`${table}\n`);

if (!process.argv.includes('--no-record')) {
  const file = path.join(__dirname, 'RESULTS.md');
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n\nEach run appends its table with the machine and date.\n');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  appendFileSync(
    file,
    `\n## Recommendation engine (item-based CF): ${new Date().toISOString()}\n\nMachine: ${machine}. ` +
      'Engine: apps/recommendation/src/engine/item-cf.util.ts, in process (no RPC, no database): build = buildItemCf over ' +
      'every rating; request = recommend() for one user from the built model.\n\n' +
      `${table}\n`,
  );
}
