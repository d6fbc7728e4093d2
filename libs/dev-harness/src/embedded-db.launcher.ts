import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultCacheDir, EmbeddedDbError, ensureCachedBinary, goEnv, hasGo, run, startGuarded } from './go-binary.util';
import { freePort } from './ports.util';

export { EmbeddedDbError };

const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/**
 * FerretDB 1.24's SQLite backend creates the unique _id index on `_ferretdb_sjson->"_id"` but looks documents up by
 * `_ferretdb_sjson->'$._id'`, an expression SQLite does not match to that index: every lookup by _id scans the
 * table (measured: updates by _id 70/s at 6,000 documents, 650/s with the fix; finds 695/s vs 3,448/s). The build
 * makes the lookup use the index's own expression, which selects the same value. It changes no data on disk.
 */
const ID_LOOKUP_PATCH = {
  file: join('internal', 'backends', 'sqlite', 'metadata', 'metadata.go'),
  from: `IDColumn = DefaultColumn + "->'$._id'"`,
  to: 'IDColumn = DefaultColumn + `->"_id"`',
};
/** The cached build's name: a new patch builds anew instead of reusing an unpatched binary. */
const FERRETDB_BUILD = `ferretdb-${FERRETDB_VERSION}-idlookup`;

interface EmbeddedDbOptions {
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

const HOW_TO_SET_URI =
  'Set MONGO_URI to a MongoDB server (for example MONGO_URI=mongodb://127.0.0.1:27017) or install Go so that FerretDB can be built.';

/** Builds FerretDB once into the cache (minutes the first time) and returns the binary path. */
export function ensureFerretDbBinary(cacheDir: string, log: (m: string) => void): Promise<string> {
  return ensureCachedBinary(cacheDir, FERRETDB_BUILD, 'ferretdb', (home, bin) => {
    log(
      `Building FerretDB ${FERRETDB_VERSION} (MongoDB-compatible server on SQLite) with the Go toolchain into ${home}. ` +
        'This happens once and takes a few minutes; later starts reuse the binary.',
    );
    const env = goEnv();
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
    const patched = join(src, ID_LOOKUP_PATCH.file);
    const text = readFileSync(patched, 'utf8');
    if (!text.includes(ID_LOOKUP_PATCH.from))
      throw new EmbeddedDbError(`FerretDB's ${ID_LOOKUP_PATCH.file} no longer has the line to patch`);
    writeFileSync(patched, text.replace(ID_LOOKUP_PATCH.from, ID_LOOKUP_PATCH.to));
    run('go', ['build', '-o', bin, './cmd/ferretdb'], src, env);
    rmSync(src, { recursive: true, force: true });
    log('FerretDB built.');
  });
}

async function startFerretDb(bin: string, dataDir: string, fixedPort?: number): Promise<EmbeddedDb> {
  const dir = resolve(dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  const port = fixedPort ?? (await freePort());
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/?_pragma=synchronous(normal)`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--state-dir=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const server = await startGuarded('FerretDB', bin, args, port);
  return { uri: `mongodb://127.0.0.1:${port}/`, port, engine: 'ferretdb', pid: server.pid, stop: () => server.stop() };
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
    if (hasGo() || existsSync(join(cacheDir, FERRETDB_BUILD, 'bin', 'ferretdb'))) {
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
