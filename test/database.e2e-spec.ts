import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Model, Schema } from 'mongoose';
import type { RatingTuple } from '@app/contracts';
import { EmbeddedDb, startEmbeddedDb } from '@app/dev-harness';
import { RatingsSnapshotRepository } from '../apps/recommendation/src/recommendations/ratings-snapshot.repository';
import {
  RatingsChunk,
  RatingsChunkSchema,
  RatingsSnapshot,
  RatingsSnapshotSchema,
} from '../apps/recommendation/src/recommendations/ratings-snapshot.schema';
import { ROOT, startSystem, waitFor } from './support/system';

function pidsMatching(text: string): number[] {
  const out = spawnSync('pgrep', ['-f', text], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

describe('embedded database (FerretDB through mongoose)', () => {
  let db: EmbeddedDb;
  let dataDir: string;
  let conn: mongoose.Connection;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'movie-db-'));
    db = await startEmbeddedDb({ dataDir });
    conn = await mongoose.createConnection(db.uri, { dbName: 'probe' }).asPromise();
  });
  afterAll(async () => {
    try {
      await conn?.close();
    } finally {
      await db?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('supports a unique index, insert, find, update, delete and reports duplicates as 11000', async () => {
    const Thing = conn.model(
      'Thing',
      new Schema({ name: { type: String, required: true, unique: true }, n: Number }, { collection: 'things' }),
    );
    await Thing.init();
    const created = await Thing.create({ name: 'a', n: 1 });
    expect((await Thing.findById(created._id).lean())?.name).toBe('a');
    await Thing.updateOne({ _id: created._id }, { $inc: { n: 2 } });
    expect((await Thing.findById(created._id).lean())?.n).toBe(3);
    await expect(Thing.create({ name: 'a', n: 9 })).rejects.toMatchObject({ code: 11000 });
    await Thing.deleteOne({ _id: created._id });
    expect(await Thing.countDocuments()).toBe(0);
  });

  it('finds a document by _id through the _id index, not by scanning the table (the harness patches FerretDB 1.24)', async () => {
    const things = conn.collection('indexed');
    const ids = Array.from({ length: 50 }, () => new mongoose.Types.ObjectId());
    await things.insertMany(ids.map((_id, n) => ({ _id, n })));
    const explained = await conn.db!.command({ explain: { find: 'indexed', filter: { _id: ids[7] } } });
    const plan = (explained.queryPlanner as { Plan: string[] }).Plan.join('\n');
    // SQLite's EXPLAIN QUERY PLAN: SEARCH ... USING INDEX for an index lookup, SCAN for a full table read.
    expect(plan).toMatch(/SEARCH .* USING INDEX/);
    expect(plan).not.toMatch(/detail=SCAN/);
    await expect(things.findOne({ _id: ids[7] })).resolves.toEqual({ _id: ids[7], n: 7 });
  });

  it("stores and loads the recommendation service's ratings copy (FerretDB 1.x refuses nested arrays)", async () => {
    // The models as the service's module registers them (MongooseModule.forFeature), on this connection.
    const repository = new RatingsSnapshotRepository(
      conn.model(RatingsSnapshot.name, RatingsSnapshotSchema) as unknown as Model<RatingsSnapshot>,
      conn.model(RatingsChunk.name, RatingsChunkSchema) as unknown as Model<RatingsChunk>,
    );
    const hex = (n: number) => n.toString(16).padStart(24, '0');
    // More than two chunks of 5,000.
    const ratings = Array.from({ length: 12_345 }, (_, i): RatingTuple => [hex(i % 997), hex(i), 1 + (i % 5)]);
    await repository.save('first', ratings.slice(0, 10), null);
    await repository.save('second', ratings, '1795630392216-000000001-abc');
    const loaded = await repository.latest();
    expect(loaded?.position).toBe('1795630392216-000000001-abc');
    expect(loaded?.ratings).toEqual(ratings);
    // The older snapshot's head and chunks are gone.
    expect(await conn.collection('ratingChunks').countDocuments({ snapshot: 'first' })).toBe(0);
  });

  it('stops the server before the process that stopped it can end, even when nothing else keeps that process alive', () => {
    // A child process starts a server, pauses it for 1.5 s (a slow last disk write), stops it and has nothing else to
    // do: it must not end before the server has.
    const script = `
      const { startEmbeddedDb } = require(${JSON.stringify(join(ROOT, 'dist', 'libs', 'dev-harness', 'src'))});
      const { execFileSync, spawn } = require('node:child_process');
      (async () => {
        const dataDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'movie-stop-'));
        const db = await startEmbeddedDb({ dataDir, log: () => {} });
        const pid = Number(execFileSync('pgrep', ['-f', dataDir + '/ferretdb']).toString().trim().split('\\n')[0]);
        process.kill(pid, 'SIGSTOP');
        spawn('sh', ['-c', 'sleep 1.5; kill -CONT ' + pid], { detached: true, stdio: 'ignore' }).unref();
        process.on('exit', () => {
          let alive = true;
          try { process.kill(pid, 0); } catch { alive = false; }
          process.stdout.write(alive ? 'server alive' : 'server gone');
          require('node:fs').rmSync(dataDir, { recursive: true, force: true });
        });
        await db.stop();
      })();`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toBe('server gone');
  });

  it('runs on a local port and reports its engine', () => {
    expect(db.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(db.engine).toBe('ferretdb');
  });

  it.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)('leaves no database process behind when the system gets %s', async (signal) => {
    const system = await startSystem();
    const serverPids = () => pidsMatching(`${system.dataDir}/ferretdb`);
    expect(serverPids().length).toBeGreaterThan(0);
    await system.stop(signal);
    await waitFor(async () => serverPids().length === 0, 5000, 'the database processes to stop');
  });
});
