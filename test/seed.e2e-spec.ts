import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/system';

/** `npm run seed` on a fresh embedded database, then again: the demo catalog is loaded once. */
describe('npm run seed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'movie-seed-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const seed = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' };
    // As a user runs it: no database address, no deployment secret.
    delete env.MONGO_URI;
    delete env.SERVICE_SECRET;
    return spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'platform', 'main.js'), 'seed'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
  };

  it('loads the demo catalog into an empty database, and leaves it as it is the second time', () => {
    const first = seed();
    expect({ status: first.status, stderr: first.status === 0 ? '' : first.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toContain('Demo catalog loaded: 10 new genres, 100 movies');
    const second = seed();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('Demo catalog already present');
  });
});
