import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { canConnect } from './ports.util';
import { WATCHDOG_SOURCE } from './watchdog.constants';

/** A development server (FerretDB, NATS) failed to build or start. */
export class EmbeddedDbError extends Error {}

export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'movie-platform');
}

export function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new EmbeddedDbError(`${cmd} ${args.join(' ')} failed: ${(result.stderr || result.stdout || '').trim().slice(-2000)}`);
  }
  return result.stdout;
}

export const goEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GOTOOLCHAIN: 'local',
  GOFLAGS: '-buildvcs=false',
  GOTELEMETRY: 'off',
  CGO_ENABLED: '0',
});

/**
 * Returns `<cacheDir>/<name>/bin/<binary>`, running `build(home, bin)` once to make it. Several test
 * workers may arrive at once: one builds under a lock folder, the others wait for the binary.
 */
export async function ensureCachedBinary(
  cacheDir: string,
  name: string,
  binary: string,
  build: (home: string, bin: string) => void,
): Promise<string> {
  const home = join(cacheDir, name);
  const bin = join(home, 'bin', binary);
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const lock = `${home}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(bin)) return bin;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
    }
  }
  try {
    if (!existsSync(bin)) {
      mkdirSync(home, { recursive: true });
      build(home, bin);
    }
    if (!existsSync(bin)) throw new EmbeddedDbError(`${name} build finished but ${bin} is missing`);
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

interface GuardedServer {
  pid?: number;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, what: string, stderrTail: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new EmbeddedDbError(`${what} exited during start-up: ${stderrTail()}`);
    if (await canConnect(port)) return;
    await sleep(100);
  }
  throw new EmbeddedDbError(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Starts `bin args` behind the watchdog (so it dies with us, however we die) and waits until it
 * accepts connections on `port`.
 */
export async function startGuarded(what: string, bin: string, args: string[], port: number): Promise<GuardedServer> {
  // Its own process group: Ctrl-C (SIGINT to the whole group) must not stop the server before our HTTP drain is over;
  // we stop it last, and the watchdog still stops it when we die (its stdin closes).
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, bin, ...args], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdin.on('error', () => undefined);
  // Our end of the pipes must not keep the event loop alive.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  child.unref();
  try {
    await waitForPort(port, child, what, () => stderr.trim());
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // Referenced again while stopping: otherwise, with nothing else left to do, this process would end before
        // the server has (seen under load, with the server still in its last disk write).
        child.ref();
        child.once('exit', () => done());
        child.stdin.end();
        child.kill('SIGTERM');
      }),
  };
}
