import { mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listLogFiles, logPathFor, pruneLogFiles, rollOptions } from './log-files.util';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('log files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'log-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, ageDays: number) => {
    const path = join(dir, name);
    writeFileSync(path, '{}\n');
    const at = new Date(Date.now() - ageDays * DAY_MS);
    utimesSync(path, at, at);
  };

  it('gives pino-roll the size in bytes, so fractions of a MB work, and leaves pruning to the transport', () => {
    const options = rollOptions({ enabled: true, path: join(dir, 'app.log'), maxSizeMb: 0.01, maxBackups: 3, maxAgeDays: 7 });
    expect(options).toEqual({ file: join(dir, 'app.log'), size: '10486b', mkdir: true });
  });

  it('removes backups older than maxAgeDays, never the file being written, and nothing of other logs', () => {
    file('app.1.log', 30);
    file('app.2.log', 8);
    file('app.3.log', 1);
    file('app.4.log', 40);
    file('app-movie.1.log', 30);
    file('other.txt', 30);
    const removed = pruneLogFiles({ enabled: true, path: join(dir, 'app.log'), maxSizeMb: 1, maxBackups: 5, maxAgeDays: 7 });
    expect(removed.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['app.1.log', 'app.2.log']);
    expect(readdirSync(dir).sort()).toEqual(['app-movie.1.log', 'app.3.log', 'app.4.log', 'other.txt']);
  });

  it('removes backups beyond maxBackups left by an earlier run, oldest number first', () => {
    for (const n of [1, 2, 3, 4, 10]) file(`app.${n}.log`, 0);
    pruneLogFiles({ enabled: true, path: join(dir, 'app.log'), maxSizeMb: 1, maxBackups: 2, maxAgeDays: 7 });
    expect(listLogFiles(join(dir, 'app.log')).map((f) => f.number)).toEqual([3, 4, 10]);
  });

  it('skips a backup removed between the listing and its stat (pino-roll prunes asynchronously)', () => {
    file('app.1.log', 0);
    file('app.3.log', 0);
    // A name in the listing whose file is gone by the time it is stat'ed.
    symlinkSync(join(dir, 'removed-meanwhile.log'), join(dir, 'app.2.log'));
    expect(listLogFiles(join(dir, 'app.log')).map((f) => f.number)).toEqual([1, 3]);
    expect(pruneLogFiles({ enabled: true, path: join(dir, 'app.log'), maxSizeMb: 1, maxBackups: 0, maxAgeDays: 7 })).toEqual([
      join(dir, 'app.1.log'),
    ]);
  });

  it('names one file per app in split mode', () => {
    expect(logPathFor('logs/app.log', 'movie-2')).toBe('logs/app-movie-2.log');
    expect(logPathFor('/var/log/platform', 'gateway')).toBe('/var/log/platform-gateway');
  });
});
