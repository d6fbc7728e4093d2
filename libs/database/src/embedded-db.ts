import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { canConnect, freePort } from './ports';
import { WATCHDOG_SOURCE } from './watchdog';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

export interface EmbeddedDbOptions {
  /** Folder for the database files (created if missing). */
  dataDir: string;
  /** Where the FerretDB binary is built and kept; empty for ~/.cache/movie-platform. */
  cacheDir?: string;
  engine?: 'auto' | 'ferretdb' | 'memory-server';
  /** A fixed port (to restart a server where its clients expect it); a free one when absent. */
  port?: number;
  log?: (message: string) => void;
}

export interface EmbeddedDb {
  uri: string;
  port: number;
  engine: 'ferretdb' | 'memory-server';
  /** Pid of the server (or its watchdog); for tests that stop it on purpose. */
  pid?: number;
  stop(): Promise<void>;
}

export class EmbeddedDbError extends Error {}

const HOW_TO_SET_URI =
  'Set MONGO_URI to a MongoDB server (for example MONGO_URI=mongodb://127.0.0.1:27017) or install Go so that FerretDB can be built.';

function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'movie-platform');
}

function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new EmbeddedDbError(`${cmd} ${args.join(' ')} failed: ${(result.stderr || result.stdout || '').trim().slice(-2000)}`);
  }
}

/** Builds FerretDB once into the cache (minutes the first time) and returns the binary path. */
export async function ensureFerretDbBinary(cacheDir: string, log: (m: string) => void): Promise<string> {
  const home = join(cacheDir, `ferretdb-${FERRETDB_VERSION}`);
  const bin = join(home, 'bin', 'ferretdb');
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const lock = `${home}.lock`;
  // Several test workers may arrive at once: one builds, the others wait for the binary.
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(bin)) return bin;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
    }
  }
  try {
    if (existsSync(bin)) return bin;
    log(
      `Building FerretDB ${FERRETDB_VERSION} (MongoDB-compatible server on SQLite) with the Go toolchain into ${home}. ` +
        'This happens once and takes a few minutes; later starts reuse the binary.',
    );
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', GOTELEMETRY: 'off', CGO_ENABLED: '0' };
    // A plain `go install ...@v1.24.2` builds a binary that panics at start: the module zip lacks
    // build/version/version.txt, which FerretDB's docs say to create by hand. So: fetch the
    // module, copy it, write that file, and build it as the main module.
    const download = spawnSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { env, encoding: 'utf8' });
    const moduleDir = download.status === 0 ? (JSON.parse(download.stdout) as { Dir?: string }).Dir : undefined;
    if (!moduleDir)
      throw new EmbeddedDbError(
        `go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed: ${(download.stderr || download.stdout).trim().slice(-1000)}`,
      );
    const src = join(home, 'src');
    rmSync(src, { recursive: true, force: true });
    cpSync(moduleDir, src, { recursive: true });
    run('chmod', ['-R', 'u+w', src], home, env);
    writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    run('go', ['build', '-o', bin, './cmd/ferretdb'], src, env);
    rmSync(src, { recursive: true, force: true });
    if (!existsSync(bin)) throw new EmbeddedDbError(`FerretDB build finished but ${bin} is missing`);
    log('FerretDB built.');
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function waitForPort(port: number, child: ChildProcess, stderrTail: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new EmbeddedDbError(`FerretDB exited during start-up: ${stderrTail()}`);
    if (await canConnect(port)) return;
    await sleep(100);
  }
  throw new EmbeddedDbError(`FerretDB did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

async function startFerretDb(bin: string, dataDir: string, fixedPort?: number): Promise<EmbeddedDb> {
  const dir = resolve(dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  const port = fixedPort ?? (await freePort());
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--state-dir=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, bin, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdin!.on('error', () => undefined);
  // Our end of the pipe must not keep the event loop alive.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  child.unref();
  try {
    await waitForPort(port, child, () => stderr.trim());
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    engine: 'ferretdb',
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.stdin!.end();
        child.kill('SIGTERM');
      }),
  };
}

async function startMemoryServer(dataDir: string): Promise<EmbeddedDb> {
  // Loaded lazily: only used where Go is missing, and it downloads mongod on first use.
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = resolve(dataDir, 'mongod');
  mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({ instance: { dbPath, ip: '127.0.0.1' } });
  const uri = server.getUri();
  return {
    uri,
    port: Number(new URL(uri).port),
    engine: 'memory-server',
    stop: async () => void (await server.stop({ doCleanup: false })),
  };
}

/** Starts the embedded MongoDB-compatible server: FerretDB when Go is present, else mongodb-memory-server. */
export async function startEmbeddedDb(options: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const log = options.log ?? ((m: string) => process.stderr.write(`[embedded-db] ${m}\n`));
  const engine = options.engine ?? 'auto';
  const cacheDir = options.cacheDir || defaultCacheDir();
  const errors: string[] = [];
  if (engine !== 'memory-server') {
    if (hasGo() || existsSync(join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'bin', 'ferretdb'))) {
      try {
        return await startFerretDb(await ensureFerretDbBinary(cacheDir, log), options.dataDir, options.port);
      } catch (err) {
        errors.push(`FerretDB: ${(err as Error).message}`);
      }
    } else {
      errors.push('FerretDB: the Go toolchain (go) is not installed');
    }
    if (engine === 'ferretdb') throw new EmbeddedDbError(`Cannot start the embedded database. ${errors.join('; ')}. ${HOW_TO_SET_URI}`);
    log(`${errors[errors.length - 1]}; falling back to mongodb-memory-server (downloads mongod on first use).`);
  }
  try {
    return await startMemoryServer(options.dataDir);
  } catch (err) {
    errors.push(`mongodb-memory-server: ${(err as Error).message}`);
  }
  throw new EmbeddedDbError(`Cannot start the embedded database. ${errors.join('; ')}. ${HOW_TO_SET_URI}`);
}
