// Catalog helpers for the benchmarks: movies written straight into the movie database, cache fill, metrics.
/** Movies written straight into the movie database: the demo catalog's 100 for the list, or `count` numbered copies. */
async function insertMovies(uri, dbName, count) {
  const { MongoClient } = require('mongodb');
  const { generateDemoData } = require('../apps/movie/src/demo/demo-data.util');
  const demo = generateDemoData().movies;
  const client = await new MongoClient(uri).connect();
  try {
    const now = new Date();
    const docs = Array.from({ length: count }, (_, i) => {
      const m = demo[i % demo.length];
      const suffix = i < demo.length ? '' : ` ${Math.floor(i / demo.length)}`;
      return { ...m, name: m.name + suffix, ratingSum: 0, ratingCount: 0, averageRating: 0, createdAt: now, updatedAt: now };
    });
    const ids = [];
    for (let i = 0; i < docs.length; i += 1000) {
      const res = await client
        .db(dbName)
        .collection('movies')
        .insertMany(docs.slice(i, i + 1000));
      ids.push(...Object.values(res.insertedIds).map(String));
    }
    return ids;
  } finally {
    await client.close();
  }
}

async function metricValue(baseUrl, name) {
  const text = await require('./lib').metricsText(baseUrl);
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** Fills the catalog cache with one GET per movie, `parallel` at a time. */
async function readEach(baseUrl, ids, parallel = 20) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        // A busy machine times some reads out (and may open the read breaker for a second): try again a few times.
        let status = 0;
        for (let attempt = 0; attempt < 5 && status !== 200; attempt++) {
          if (attempt) await new Promise((r) => setTimeout(r, 500));
          const res = await fetch(`${baseUrl}/api/v2/movies/${id}`);
          await res.arrayBuffer();
          status = res.status;
        }
        if (status !== 200) failed++;
      }
    }),
  );
  return failed;
}

module.exports = { insertMovies, metricValue, readEach };
