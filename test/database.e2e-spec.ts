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
