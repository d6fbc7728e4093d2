import { setTimeout as sleep } from 'node:timers/promises';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@app/common';
import { freePort } from '@app/dev-harness';
import { checkResponse, registerGateway } from './openapi-contract';

export const ROOT = join(__dirname, '..', '..');
export const GATEWAY_MAIN = join(ROOT, 'dist', 'apps', 'gateway', 'main.js');
/** The composer: one process, the split launcher, seed, database-only and start:instance. */
export const PLATFORM_MAIN = join(ROOT, 'dist', 'apps', 'platform', 'main.js');

export interface SplitState {
  db: { uri: string; pid: number } | null;
  apps: { name: string; service: string; pid: number; port: number; healthPort?: number; weight?: number }[];
}

export interface StartOptions {
  mode?: 'single' | 'split';
  env?: Record<string, string>;
  /** Extra launcher arguments in split mode, e.g. ['--scale', 'movie=3,1']. */
  args?: string[];
  /** Keep the data folder between start and stop (for restart tests). */
  dataDir?: string;
  /** Its own process group (as a shell runs `npm start`), so a test can signal the whole group: process.kill(-pid). */
  detached?: boolean;
}

export interface RunningSystem {
  baseUrl: string;
  port: number;
  proc: ChildProcess;
  dataDir: string;
  output: () => string;
  /** Split mode: the launcher's record of every app process. */
  state: () => SplitState;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export { waitFor };

const isReady = (url: string) =>
  fetch(url).then(
    (r) => r.status === 200,
    () => false,
  );

/**
 * The gateway is ready once one instance of each service answers; a suite that talks to every instance (or stops
 * one) needs all of them listening, so split mode waits for each app's own readiness too.
 */
async function everyAppReady(state: SplitState): Promise<boolean> {
  const ready = await Promise.all(
    state.apps.filter((a) => a.healthPort !== undefined).map((a) => isReady(`http://127.0.0.1:${a.healthPort}/health/ready`)),
  );
  return ready.every(Boolean);
}

/** Starts the built system as a real process against a fresh embedded database in a temporary folder. */
export async function startSystem(options: StartOptions = {}): Promise<RunningSystem> {
  const mode = options.mode ?? 'single';
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'movie-e2e-'));
  const stateFile = join(dataDir, 'split-state.json');
  const args = mode === 'split' ? [PLATFORM_MAIN, 'split', '--free-ports', ...(options.args ?? [])] : [PLATFORM_MAIN];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      SPLIT_STATE_FILE: stateFile,
      MONGO_URI: '',
      // Systems started side by side over TRANSPORT=nats share one NATS server: keep their subjects apart.
      NATS_SUBJECT_PREFIX: `e2e${port}.`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  proc.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  registerGateway(baseUrl);
  const system: RunningSystem = {
    baseUrl,
    port,
    proc,
    dataDir,
    output: () => out,
    state: () => JSON.parse(readFileSync(stateFile, 'utf8')) as SplitState,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`the system (${mode}) exited with ${proc.exitCode} during start-up`);
      if (Date.now() > deadline) throw new Error(`the system (${mode}) did not become ready within 90 s`);
      if ((await isReady(`${baseUrl}/health/ready`)) && (mode === 'single' || (await everyAppReady(system.state())))) break;
      await sleep(200);
    }
  } catch (err) {
    await system.stop('SIGKILL');
    // The tail alone hid why an app was gone (it had exited early): name every app that exited, and how, first.
    const exits = out
      .split('\n')
      .filter((line) => /exited with|EADDRINUSE|listen E[A-Z]+/.test(line))
      .slice(0, 20)
      .join('\n');
    throw new Error(`${(err as Error).message}\n--- exits ---\n${exits || '(none)'}\n--- output ---\n${out.slice(-5000)}`, { cause: err });
  }
  return system;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for the gateway: JSON in, JSON out, status and headers kept. */
export function api(baseUrl: string, token?: string) {
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const init: RequestInit = { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } };
    if (body instanceof URLSearchParams || body instanceof FormData || typeof body === 'string') init.body = body as RequestInit['body'];
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    await checkResponse(method, `${baseUrl}${path}`, res.status, res.headers.get('content-type'), parsed);
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    patch: <T = any>(path: string, body?: unknown) => call<T>('PATCH', path, body),
    delete: <T = any>(path: string, body?: unknown) => call<T>('DELETE', path, body),
    call,
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
