import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listLogFiles } from '@app/observability';
import { startSystem, waitFor } from './support/system';

// About 1 KB: the start-up lines of five apps alone are several times that.
const MAX_SIZE_MB = 0.001;
const MAX_BYTES = Math.round(MAX_SIZE_MB * 1024 * 1024);
const MAX_BACKUPS = 1;

describe('file logs', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'movie-logs-'));
  const logPath = join(logDir, 'app.log');
  const env = {
    LOG_LEVEL: 'info',
    LOG_FILE_ENABLED: 'true',
    LOG_FILE_PATH: logPath,
    LOG_FILE_MAX_SIZE_MB: String(MAX_SIZE_MB),
    LOG_FILE_MAX_BACKUPS: String(MAX_BACKUPS),
  };
  afterAll(() => rmSync(logDir, { recursive: true, force: true }));

  const stopped: Promise<number | null>[] = [];
  it('writes JSON lines to the file, rotates past the size limit and keeps maxBackups backups across restarts', async () => {
    const first = await startSystem({ env });
    await waitFor(async () => listLogFiles(logPath).length > 1 || undefined, 10_000, 'a rotation').finally(() =>
      stopped.push(first.stop()),
    );
    expect(await stopped[0]).toBe(0);
    // Looked at once nothing writes any more: the shutdown's own lines may have rotated again meanwhile, and
    // pino-roll removes the oldest backup asynchronously, so a listing taken while running goes stale.
    const afterFirst = listLogFiles(logPath);
    expect(afterFirst.length).toBeGreaterThan(1);
    const backup = afterFirst[afterFirst.length - 2];
    expect(statSync(backup.file).size).toBeGreaterThanOrEqual(MAX_BYTES);
    const lines = readFileSync(backup.file, 'utf8').trim().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as { app: string; level: number; msg: string });
    expect(parsed.every((l) => l.app === 'platform' && typeof l.level === 'number' && typeof l.msg === 'string')).toBe(true);

    const second = await startSystem({ env });
    const highest = afterFirst[afterFirst.length - 1].number;
    const afterSecond = await waitFor(
      async () => {
        const files = listLogFiles(logPath);
        // Rotated, and the older files removed: only the newest backup and the file being written remain.
        return files[files.length - 1].number > highest && files.length === MAX_BACKUPS + 1 ? files : undefined;
      },
      10_000,
      'a rotation and clean-up in the second run',
    ).finally(() => stopped.push(second.stop()));
    expect(await stopped[1]).toBe(0);
    expect(afterSecond[0].number).toBeGreaterThan(afterFirst[0].number);
  });
});
