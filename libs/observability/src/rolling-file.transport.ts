import type { Writable } from 'node:stream';
import { pruneLogFiles, rollOptions, type FileLogConfig } from './log-files.util';

// pino-roll ships no types: its export builds the SonicBoom stream the worker writes to.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pinoRoll = require('pino-roll') as (options: Record<string, unknown>) => Promise<Writable>;

/**
 * The pino transport for log files, run in pino's worker thread: pino-roll rotates by size, and every open of a file
 * (the first, and each rotation's; SonicBoom says `ready` once the file exists) prunes to maxBackups by number.
 * pino-roll's own `limit` lists the folder while the new file is being opened, so it kept one backup or none
 * depending on which finished first; here the file being written is always in the listing, as the newest.
 */
export default async function rollingFile(file: FileLogConfig): Promise<Writable> {
  const stream = await pinoRoll(rollOptions(file));
  stream.on('ready', () => pruneLogFiles(file));
  return stream;
}
