// Counts the database commands a system sends, by name: a TCP proxy in front of the database that reads the
// MongoDB wire protocol's message headers (OP_MSG: the first key of the body document is the command). Used for
// "idle": with no requests, what does the system still ask its database, and how often?
const net = require('node:net');
const { startSystem, sleep } = require('./lib');

const OP_MSG = 2013;
const OP_QUERY = 2004;

/** The command of one client message (the first element name of its body BSON document). */
function commandOf(msg) {
  const opCode = msg.readInt32LE(12);
  let doc;
  if (opCode === OP_MSG) {
    // header (16) + flagBits (4); section kind 0 carries the body document.
    if (msg[20] !== 0) return 'op_msg';
    doc = 21;
  } else if (opCode === OP_QUERY) {
    // header + flags (4) + cstring collection name + numberToSkip (4) + numberToReturn (4)
    let end = 20;
    while (msg[end] !== 0) end++;
    doc = end + 1 + 8;
  } else return `op_${opCode}`;
  // BSON document: int32 size, then elements: type byte, cstring name.
  let nameStart = doc + 5;
  let nameEnd = nameStart;
  while (nameEnd < msg.length && msg[nameEnd] !== 0) nameEnd++;
  return msg.toString('utf8', nameStart, nameEnd);
}

/** Driver monitoring (server discovery and heartbeats), not the application asking for data. */
const MONITORING = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'buildinfo', 'endSessions', 'saslStart', 'saslContinue']);

/** Starts the proxy to `target` (host, port); resolves with its port, the counts so far, and how to stop. */
async function startCountingProxy(target) {
  const counts = new Map();
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let buffered = Buffer.alloc(0);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 16) {
        const length = buffered.readInt32LE(0);
        if (buffered.length < length) break;
        const name = commandOf(buffered.subarray(0, length));
        counts.set(name, (counts.get(name) ?? 0) + 1);
        buffered = buffered.subarray(length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    snapshot: () => new Map(counts),
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Commands between two snapshots, per second: the application's own, and the driver's monitoring apart. */
function commandRates(before, after, seconds) {
  const app = {};
  let appTotal = 0;
  let monitoring = 0;
  for (const [name, n] of after) {
    const d = n - (before.get(name) ?? 0);
    if (!d) continue;
    if (MONITORING.has(name)) monitoring += d;
    else {
      app[name] = +(d / seconds).toFixed(2);
      appTotal += d;
    }
  }
  return { perSecond: +(appTotal / seconds).toFixed(2), monitoringPerSecond: +(monitoring / seconds).toFixed(2), byCommand: app };
}

/** A MONGO_URI that goes through the proxy instead. */
function throughProxy(uri, port) {
  return uri.replace(/^mongodb:\/\/([^/@]+@)?[^/]+/, (_m, auth) => `mongodb://${auth ?? ''}127.0.0.1:${port}`);
}

/**
 * A system on its own through a counting proxy, left alone: the database commands it still sends per second. Reads
 * (find, aggregate, count, getMore) are what change detection by polling costs; deletes of expired rows once a
 * minute and the driver's heartbeats are listed apart.
 */
async function idleDatabase(uri, mode, seconds) {
  const { hostname, port } = new URL(uri.replace(/^mongodb:/, 'http:'));
  const proxy = await startCountingProxy({ host: hostname, port: Number(port) });
  let system;
  try {
    system = await startSystem({ mode, mongoUri: throughProxy(uri, proxy.port), env: { AUTH_LOGIN_IP_LIMIT: '1000000' } });
    await sleep(3000);
    const before = proxy.snapshot();
    await sleep(seconds * 1000);
    const rates = commandRates(before, proxy.snapshot(), seconds);
    const reads = ['find', 'aggregate', 'count', 'getMore', 'distinct'];
    return { ...rates, changeReadsPerSecond: +reads.reduce((sum, c) => sum + (rates.byCommand[c] ?? 0), 0).toFixed(2), seconds };
  } finally {
    await system?.stop().catch(() => undefined);
    await proxy.stop();
  }
}

module.exports = { startCountingProxy, commandRates, throughProxy, idleDatabase };

// `node bench/db-commands.js [seconds]`: both modes against a database of their own, printed.
if (require.main === module) {
  const lib = require('./lib');
  (async () => {
    const dataDir = lib.mkdtempSync(lib.join(lib.tmpdir(), 'bench-idle-'));
    const db = await lib.startDatabase(dataDir);
    try {
      for (const mode of ['single', 'split']) console.log(mode, await idleDatabase(db.uri, mode, Number(process.argv[2] ?? 10)));
    } finally {
      await db.stop();
      lib.rmSync(dataDir, { recursive: true, force: true });
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

