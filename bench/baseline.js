// The baseline: a bare Fastify server with the mongodb driver answering GET /api/v2/movies/:id with the same
// JWT check (HS256 with a KeyObject, our issuer) against the same database the system uses.
// Usage: node bench/baseline.js <port> <mongoUri> <dbName> <jwtSecret> <issuer>
const fastify = require('fastify');
const jwt = require('jsonwebtoken');
const { createSecretKey } = require('node:crypto');
const { MongoClient, ObjectId } = require('mongodb');

const [port, uri, dbName, secret, issuer] = process.argv.slice(2);
const key = createSecretKey(Buffer.from(secret, 'utf8'));

async function main() {
  const client = await new MongoClient(uri, { maxPoolSize: 20 }).connect();
  const movies = client.db(dbName).collection('movies');
  const app = fastify({ logger: false });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/api/v2/movies/:id', async (req, reply) => {
    const header = req.headers.authorization ?? '';
    try {
      jwt.verify(header.slice(7), key, { algorithms: ['HS256'], issuer });
    } catch {
      return reply.code(401).send({ code: 1100, message: 'Missing or invalid token' });
    }
    if (!/^[0-9a-f]{24}$/i.test(req.params.id)) return reply.code(400).send({ code: 1006, message: 'Invalid id' });
    const doc = await movies.findOne({ _id: new ObjectId(req.params.id) });
    if (!doc) return reply.code(404).send({ code: 1200, message: 'Movie not found' });
    const { _id, __v, ...rest } = doc;
    return { id: _id.toHexString(), ...rest };
  });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  process.on('SIGTERM', () =>
    app
      .close()
      .then(() => client.close())
      .then(() => process.exit(0)),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
