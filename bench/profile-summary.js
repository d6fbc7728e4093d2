#!/usr/bin/env node
// Top frames of a V8 CPU profile (node --cpu-prof) by self time, self time by package, and the cost table: each
// sample charged to the first frame up its stack that belongs to a known part of the request (a socket write inside
// the mongodb driver is database time; one inside Nest's TCP client is transport framing).
// Usage: node bench/profile-summary.js <file.cpuprofile[.gz]> [top=25] [lastMs] [cpuUsPerRequest]
// With lastMs, only the samples of the profile's last lastMs milliseconds count (the load, not the start-up). With
// cpuUsPerRequest (the process's measured CPU time per request), the cost table also says microseconds per request.
const { readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');

/** Parts of a request, first match wins; tested on the frame's script URL, then its function name. */
const CATEGORIES = [
  ['garbage collection', (url, fn) => fn === '(garbage collector)'],
  ['database (driver, mongoose, repository)', (url) => /node_modules\/(mongodb|bson|mongoose|mquery|@mongodb-js)\/|\.repository\.js$/.test(url)],
  ['message signing / verification', (url, fn) => /service-auth\.guard\.js$/.test(url) || (fn === 'Hmac' && url.startsWith('node:'))],
  ['auth (JWT verify, revocation check)', (url) => /node_modules\/(jsonwebtoken|jws|jwa|passport[^/]*|@nestjs\/passport)\/|libs\/auth\/src\//.test(url)],
  ['logging', (url) => /node_modules\/(pino[^/]*|nestjs-pino|sonic-boom|thread-stream)\/|logger\.util\.js$/.test(url)],
  ['metrics', (url) => /node_modules\/(prom-client|tdigest|bintrees)\/|metrics[^/]*\.js$/.test(url)],
  ['resilience (breaker, bulkhead, balancing)', (url) => /node_modules\/cockatiel\/|libs\/resilience\/src\/(instance|service)\.client\.js$|weighted-round-robin|rendezvous/.test(url)],
  ['transport framing (Nest TCP / NATS)', (url) => /node_modules\/(@nestjs\/microservices|@nats-io)\//.test(url)],
  ['HTTP parsing and reply (Fastify, node:http)', (url) => /node_modules\/(fastify|find-my-way|@fastify|light-my-request|avvio|fast-json-stringify|safe-regex2)\/|^node:_http_|node:internal\/http/.test(url)],
  ['Nest pipeline (guards, interceptors, pipes, rxjs)', (url) => /node_modules\/(@nestjs\/(core|common|platform-fastify|throttler)|rxjs|class-validator|class-transformer|reflect-metadata)\//.test(url)],
  ['service handlers (app code)', (url) => /\/dist\/(apps|libs)\//.test(url)],
];
const IDLE = new Set(['(idle)']);

function load(file) {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

function where(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/dist/apps/')) return 'app';
  return url.split('/').pop();
}

/** Self time per node id, and the total without idle, over the profile's last `lastMs` (all of it without). */
function selfTimes(profile, lastMs) {
  const self = new Map();
  const from = lastMs ? profile.endTime - Number(lastMs) * 1000 : -Infinity;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

/** Busy time (idle excluded) by request part: each sample goes to the first categorised frame up its stack. */
function costs(profile, self) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  const categoryOf = (id) => {
    if (memo.has(id)) return memo.get(id);
    const { url, functionName } = byId.get(id).callFrame;
    const hit = CATEGORIES.find(([, test]) => test(url ?? '', functionName));
    const up = parent.get(id);
    const result = hit ? hit[0] : up === undefined ? 'event loop and other native work' : categoryOf(up);
    memo.set(id, result);
    return result;
  };
  const parts = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    if (IDLE.has(byId.get(id).callFrame.functionName)) continue;
    busy += us;
    const c = categoryOf(id);
    parts.set(c, (parts.get(c) ?? 0) + us);
  }
  return { parts, busy };
}

function summarise(file, top = 25, lastMs, cpuUsPerRequest) {
  const profile = load(file);
  const self = selfTimes(profile, lastMs);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const frames = new Map();
  const packages = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const pkg = where(callFrame.url);
    const name = `${callFrame.functionName || '(anonymous)'} ${pkg}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    frames.set(name, (frames.get(name) ?? 0) + us);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const pct = (us, of = total) => `${((100 * us) / of).toFixed(1)}%`.padStart(6);
  const rows = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${pct(us)}  ${k}`)
      .join('\n');
  const { parts, busy } = costs(profile, self);
  const costRows = [...parts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, us]) => `${pct(us, busy)}${cpuUsPerRequest ? `  ${String(Math.round((cpuUsPerRequest * us) / busy)).padStart(5)} us` : ''}  ${k}`)
    .join('\n');
  const text =
    `${file.split('/').pop()}: ${(total / 1e6).toFixed(1)} s sampled${lastMs ? ` (last ${lastMs} ms)` : ''}\n\n` +
    `Cost by part of the request (busy time, idle excluded${cpuUsPerRequest ? `; ${Math.round(cpuUsPerRequest)} us of CPU per request measured` : ''}):\n${costRows}\n\n` +
    `Top frames by self time:\n${rows(frames, top)}\n\nSelf time by package:\n${rows(packages, 15)}`;
  return { text, parts, busy };
}

module.exports = { summarise };

if (require.main === module) {
  const [file, topArg, lastArg, cpuArg] = process.argv.slice(2);
  console.log(summarise(file, Number(topArg ?? 25), lastArg ? Number(lastArg) : undefined, cpuArg ? Number(cpuArg) : undefined).text);
}
