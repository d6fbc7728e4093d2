import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { EmbeddedDb, startEmbeddedDb } from '@app/dev-harness';
import { startSystem, waitFor } from './support/system';

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
