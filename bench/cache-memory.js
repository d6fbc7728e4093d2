#!/usr/bin/env -S node --expose-gc
// Memory of the catalog cache holding 10,000 movies: the movie service's own CatalogCache, filled the way its read
// interceptor fills it (key, serialised MovieDto, strong ETag), measured in this process with garbage collected
// before and after. No HTTP and no database, so a busy machine cannot spoil the figure.
// Usage: node --expose-gc bench/cache-memory.js [movies=10000]
require('./register-ts');
const { randomBytes } = require('node:crypto');
const { strongEtag } = require('@app/contracts');
const { CatalogCache } = require('../apps/movie/src/catalog-cache/catalog-cache.service');
const { generateDemoData } = require('../apps/movie/src/demo/demo-data.util');

const count = Number(process.argv[2] ?? 10000);
const gc = globalThis.gc ?? (() => undefined);
const mb = (bytes) => +(bytes / 2 ** 20).toFixed(1);

function measure() {
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

const demo = generateDemoData().movies;
const now = new Date().toISOString();
const movies = Array.from({ length: count }, (_, i) => {
  const m = demo[i % demo.length];
  return {
    id: randomBytes(12).toString('hex'),
    ...m,
    name: `${m.name} ${i}`,
    averageRating: 3.5,
    ratingCount: 12,
    createdAt: now,
    updatedAt: now,
  };
});
const cache = new CatalogCache({ enabled: true, maxBytes: 256 * 2 ** 20, stalenessMs: 100 });
const before = measure();
for (const movie of movies) {
  const body = JSON.stringify(movie);
  cache.store(`MoviesHandler.get:${JSON.stringify({ id: movie.id })}`, { etag: strongEtag(body), body }, cache.begin());
}
const after = measure();
const stats = cache.stats();
const result = {
  movies: count,
  entries: stats.entries,
  countedMb: mb(stats.bytes),
  heapGrowthMb: mb(after.heapUsed - before.heapUsed),
  rssGrowthMb: mb(after.rss - before.rss),
  bytesPerMovie: Math.round((after.heapUsed - before.heapUsed) / count),
};
console.log(JSON.stringify(result));
