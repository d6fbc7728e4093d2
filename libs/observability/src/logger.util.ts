import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pino, { Logger as PinoLogger, TransportTargetOptions } from 'pino';
import type { AppConfig } from '@app/config';
import { startLogPruning } from './log-files.util';
import { currentRequestId } from './request-context.util';
import { activeTraceIds } from './tracing.util';

/** Never let these reach a log line, wherever they sit in a logged object. */
const REDACT_PATHS = [
  'password',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  '*.password',
  '*.currentPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

let root: PinoLogger | undefined;
let processRole = 'platform';

/** Names the process in every log line: `platform` in one-process mode, else the app. */
export function setProcessRole(role: string): void {
  processRole = role;
}

/** The process's name in logs and in its spans' `service.name`. */
export function currentProcessRole(): string {
  return processRole;
}

/** One pino instance per process: every app of a one-process run shares its destinations. */
export function rootLogger(config: AppConfig): PinoLogger {
  if (root) return root;
  const targets: TransportTargetOptions[] = [];
  if (config.log.console) {
    targets.push(
      config.log.pretty
        ? {
            target: 'pino-pretty',
            level: config.log.level,
            options: { destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
          }
        : { target: 'pino/file', level: config.log.level, options: { destination: 1 } },
    );
  }
  if (config.log.file.enabled) {
    mkdirSync(dirname(resolve(config.log.file.path)), { recursive: true });
    startLogPruning(config.log.file);
    targets.push({
      target: join(__dirname, 'rolling-file.transport.js'),
      level: config.log.level,
      options: config.log.file,
    });
  }
  const options = {
    level: config.log.level,
    base: { app: processRole, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin: () => {
      const requestId = currentRequestId();
      const ids = activeTraceIds();
      return requestId ? (ids ? { requestId, ...ids } : { requestId }) : (ids ?? {});
    },
  };
  const plainStdout = targets.length === 1 && targets[0].target === 'pino/file';
  // A plain stdout destination needs no worker thread; pretty printing and files do.
  root =
    targets.length === 0
      ? pino({ ...options, enabled: false })
      : plainStdout
        ? pino(options, pino.destination({ dest: 1, sync: false }))
        : pino(options, pino.transport({ targets }));
  return root;
}
