#!/usr/bin/env node
// Memory of the catalog cache alone (no throughput figure, so a busy machine does not spoil it): one process with
// the cache on, 10,000 movies written into its database, one cached answer each; prints the cache's own count and
// the process RSS before and after. `npm run bench` measures the same at its end.
const { readFileSync } = require('node:fs');
const lib = require('./lib');
const { insertMovies, metricValue, readEach } = require('./catalog');

const rssMb = (pid) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);

async function main() {
  require('./register-ts');
  const config = require('@app/config').loadConfig({ ...process.env, NODE_ENV: 'test' });
  const dataDir = lib.mkdtempSync(lib.join(lib.tmpdir(), 'cache-memory-'));
  const db = await lib.startDatabase(dataDir);
  const system = await lib.startSystem({ mode: 'single', mongoUri: db.uri, env: { CATALOG_CACHE_MAX_MB: '256' } });
  try {
    const ids = await insertMovies(db.uri, `${config.mongo.dbPrefix}_movie`, 10000);
    await lib.sleep(2000);
    const before = rssMb(system.proc.pid);
    const failedReads = await readEach(system.baseUrl, ids, 8);
    const result = {
      movies: ids.length,
      failedReads,
      cacheEntries: await metricValue(system.baseUrl, 'catalog_cache_entries'),
      cacheMb: +((await metricValue(system.baseUrl, 'catalog_cache_bytes')) / 2 ** 20).toFixed(1),
      rssBeforeMb: before,
      rssAfterMb: rssMb(system.proc.pid),
    };
    console.log(JSON.stringify(result));
  } finally {
    await system.stop();
    await db.stop();
    lib.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
