#!/usr/bin/env node
// CPU profile of the uncached read path (catalog cache off): one process under `node --cpu-prof`, loaded like
// the P1 benchmark (GET /api/v2/movies/:id with a token, 50 connections), then the top frames.
// Usage: node bench/profile.js <label> [seconds=15] [path=movie|list]   (writes bench/profiles/<label>.cpuprofile.gz and <label>.txt;
// open the .cpuprofile, gunzipped, in Chrome DevTools or speedscope for the flame graph)
const { execFileSync } = require('node:child_process');
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { gzipSync } = require('node:zlib');
const lib = require('./lib');
const { cannon, json, startDatabase, spawnProcess, waitHttp, freePort, GATEWAY, join, mkdtempSync, tmpdir, rmSync } = lib;

const [label = 'profile', secondsArg = '15', which = 'movie'] = process.argv.slice(2);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-db-'));
  const profDir = mkdtempSync(join(tmpdir(), 'profile-out-'));
  const db = await startDatabase(dataDir);
  const port = await freePort();
  const sys = spawnProcess(
    [`--cpu-prof`, `--cpu-prof-dir=${profDir}`, GATEWAY],
    {
      NODE_ENV: 'test',
      PORT: String(port),
      MONGO_URI: db.uri,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'true',
      CATALOG_CACHE_ENABLED: 'false',
      AUTH_LOGIN_IP_LIMIT: '1000000',
    },
    'system',
  );
  let loadStarted;
  let result;
  let loadMs = 0;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitHttp(`${base}/health/ready`, sys);
    const token = (await json('POST', `${base}/api/v2/auth/login`, { username: 'admin', password: 'admin' })).body.accessToken;
    const movie = (await json('GET', `${base}/api/v2/movies?limit=1`)).body.items[0].id;
    const url = which === 'list' ? `${base}/api/v1/movies/list` : `${base}/api/v2/movies/${movie}`;
    await cannon({ url, headers: { authorization: `Bearer ${token}` }, connections: 50, duration: 2 });
    loadStarted = Date.now();
    const r = await cannon({
      url,
      headers: { authorization: `Bearer ${token}` },
      connections: which === 'list' ? 10 : 50,
      duration: Number(secondsArg),
    });
    loadMs = Date.now() - loadStarted;
    result = `${which}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`;
    console.log(result);
  } finally {
    const stopping = Date.now();
    await sys.stop();
    loadMs += Date.now() - stopping;
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const out = join(__dirname, 'profiles', `${label}.cpuprofile.gz`);
  writeFileSync(out, gzipSync(readFileSync(join(profDir, file))));
  rmSync(profDir, { recursive: true, force: true });
  // Only the measured load (and the shutdown after it), not the start-up and warm-up.
  const summary = execFileSync(process.execPath, [join(__dirname, 'profile-summary.js'), out, '30', String(loadMs)], { encoding: 'utf8' });
  writeFileSync(join(__dirname, 'profiles', `${label}.txt`), `${result}\n${summary}`);
  console.log(summary);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
