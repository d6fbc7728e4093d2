import { mkdirSync, openSync, closeSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Long enough for any app to start and bind what it was given; after that the kernel holds the port. */
const RESERVATION_MS = 60_000;
const RESERVATIONS = join(tmpdir(), 'movie-platform-ports');
let swept = false;
/** Used only where the folder is unusable: this process's own reservations, port → until. */
const reservedHere = new Map<number, number>();

/**
 * A free port on 127.0.0.1, reserved for this caller across processes for a minute. bind(0) picks at random among the
 * free odd ports and knows nothing of a port another process was just given and has not bound yet: two test workers
 * starting systems side by side clashed that way (measured here: two processes each holding 40 picked ports for a
 * second got EADDRINUSE 11 times in 68 rounds with bind(0) alone, never with these reservations). A file per port,
 * created exclusively, tells every caller of this function.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = await kernelPort(host);
    if (reservePort(port)) return port;
  }
  throw new Error(`No unreserved free port after 1000 tries (reservations in ${RESERVATIONS})`);
}

/** True when `port` is now this process's to bind: no live reservation of another caller (the file is created exclusively). */
export function reservePort(port: number, dir = RESERVATIONS, now = Date.now()): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!swept) {
      swept = true;
      for (const name of readdirSync(dir)) dropIfStale(join(dir, name), now);
    }
    const file = join(dir, String(port));
    for (let round = 0; round < 2; round++) {
      try {
        closeSync(openSync(file, 'wx'));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (!dropIfStale(file, now)) return false;
      }
    }
    return false;
  } catch {
    // No usable folder for reservations (another user's, read-only): reserved within this process only.
    const until = reservedHere.get(port);
    if (until !== undefined && until > now) return false;
    reservedHere.set(port, now + RESERVATION_MS);
    return true;
  }
}

function dropIfStale(file: string, now: number): boolean {
  try {
    if (now - statSync(file).mtimeMs < RESERVATION_MS) return false;
    unlinkSync(file);
  } catch {
    /* gone already: another caller dropped it */
  }
  return true;
}

function kernelPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when nothing listens on host:port and we may bind it. */
export function isPortFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}
