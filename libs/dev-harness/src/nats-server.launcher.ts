import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultCacheDir, EmbeddedDbError, ensureCachedBinary, goEnv, hasGo, run, startGuarded } from './go-binary.util';
import { freePort } from './ports.util';

const NATS_SERVER_VERSION = 'v2.15.2';
const NATS_SERVER_MODULE = 'github.com/nats-io/nats-server/v2';

interface NatsServerOptions {
  /** JetStream storage folder (kept); without it, a temporary one removed when the server stops. JetStream is always on: events travel on it. */
  jetStreamDir?: string;
  cacheDir?: string;
  log?: (message: string) => void;
}

export interface LocalNatsServer {
  url: string;
  port: number;
  pid?: number;
  stop(): Promise<void>;
}

/** Builds nats-server once with the Go toolchain into the same cache as FerretDB. */
export function ensureNatsServerBinary(cacheDir = defaultCacheDir(), log: (m: string) => void = () => undefined): Promise<string> {
  return ensureCachedBinary(cacheDir, `nats-server-${NATS_SERVER_VERSION}`, 'nats-server', (home) => {
    if (!hasGo()) throw new EmbeddedDbError('nats-server: the Go toolchain (go) is not installed');
    log(`Building nats-server ${NATS_SERVER_VERSION} with the Go toolchain into ${home} (once).`);
    run('go', ['install', `${NATS_SERVER_MODULE}@${NATS_SERVER_VERSION}`], home, { ...goEnv(), GOBIN: resolve(home, 'bin') });
  });
}

/** A private NATS server on a free loopback port, for tests and local split runs; it dies with us. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<LocalNatsServer> {
  const bin = await ensureNatsServerBinary(options.cacheDir || defaultCacheDir(), options.log);
  const port = await freePort();
  const temporary = options.jetStreamDir ? undefined : mkdtempSync(join(tmpdir(), 'movie-nats-'));
  const storeDir = options.jetStreamDir ?? temporary!;
  mkdirSync(storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  const removeTemporary = () => temporary && rmSync(temporary, { recursive: true, force: true });
  const server = await startGuarded('nats-server', bin, args, port).catch((err: unknown) => {
    removeTemporary();
    throw err;
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: server.pid,
    stop: async () => {
      await server.stop();
      removeTemporary();
    },
  };
}
