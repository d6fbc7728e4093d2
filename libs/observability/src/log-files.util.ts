import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { AppConfig } from '@app/config';

export type FileLogConfig = AppConfig['log']['file'];

const DAY_MS = 24 * 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60 * 1000;

/** pino-roll writes `logs/app.log` as `logs/app.<n>.log`; this is the `logs/app` + `log` pair it derives. */
function logFileParts(path: string): { dir: string; stem: string; extension: string } {
  const file = resolve(path);
  const ext = extname(file);
  return { dir: dirname(file), stem: basename(file, ext), extension: ext ? ext.slice(1) : 'log' };
}

/**
 * Options for pino-roll: size in bytes so fractions of a MB work, numbered files beside the configured path. No
 * `limit`: the transport prunes to maxBackups itself once each new file exists (rolling-file.transport.ts).
 */
export function rollOptions(file: FileLogConfig): Record<string, unknown> {
  const { dir, stem, extension } = logFileParts(file.path);
  return { file: join(dir, `${stem}.${extension}`), size: `${Math.max(1, Math.round(file.maxSizeMb * 1024 * 1024))}b`, mkdir: true };
}

/** The numbered files of one log, oldest number first. */
export function listLogFiles(path: string): { file: string; number: number; mtimeMs: number }[] {
  const { dir, stem, extension } = logFileParts(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `${stem}.`;
  const suffix = `.${extension}`;
  return names
    .filter((name) => name.startsWith(prefix) && name.endsWith(suffix))
    .map((name) => ({ name, number: name.slice(prefix.length, name.length - suffix.length) }))
    .filter(({ number }) => /^\d+$/.test(number))
    .flatMap(({ name, number }) => {
      const file = join(dir, name);
      // pino-roll (or another process of the deployment) may remove a backup between the listing and this stat.
      const stats = statSync(file, { throwIfNoEntry: false });
      return stats ? [{ file, number: Number(number), mtimeMs: stats.mtimeMs }] : [];
    })
    .sort((a, b) => a.number - b.number);
}

/**
 * pino-roll rotates by size and count but knows nothing of age: this removes backups last written more than
 * maxAgeDays ago, and backups beyond maxBackups left by earlier runs. The newest file is the one being written; it stays.
 */
export function pruneLogFiles(file: FileLogConfig, now = Date.now()): string[] {
  const files = listLogFiles(file.path);
  const backups = files.slice(0, -1);
  const excess = Math.max(0, backups.length - file.maxBackups);
  const removed: string[] = [];
  backups.forEach((backup, index) => {
    if (index < excess || now - backup.mtimeMs > file.maxAgeDays * DAY_MS) {
      try {
        unlinkSync(backup.file);
        removed.push(backup.file);
      } catch {
        // Another process of the same deployment may have pruned it first.
      }
    }
  });
  return removed;
}

let pruneTimer: NodeJS.Timeout | undefined;

/**
 * Prunes by age every minute (the transport prunes when it opens each file, start-up's included); the timer never
 * keeps the process alive.
 */
export function startLogPruning(file: FileLogConfig): void {
  if (pruneTimer) return;
  pruneTimer = setInterval(() => pruneLogFiles(file), PRUNE_INTERVAL_MS);
  pruneTimer.unref();
}

/** In split mode every app process gets its own log: `logs/app.log` -> `logs/app-movie-1.log`. */
export function logPathFor(path: string, app: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${app}${ext}`;
}
