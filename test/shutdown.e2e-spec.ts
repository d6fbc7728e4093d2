import { setTimeout as sleep } from 'node:timers/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, RunningSystem, startSystem } from './support/system';
import { mintToken } from './support/tokens';

const DRAIN_TIMEOUT_MS = 10_000;
const IN_FLIGHT = 40;
/** The database server processes (not their node watchdog) started for this data folder. */
/** What a process is, for a failure message: its command line and its state line from /proc. */
function describePid(pid: number): string {
  try {
    const argv = readFileSync(join('/proc', String(pid), 'cmdline'), 'utf8')
      .split('\0')
      .join(' ')
      .trim();
    const state = /^State:.*$/m.exec(readFileSync(join('/proc', String(pid), 'status'), 'utf8'))?.[0] ?? '';
    return `${pid}: ${argv} (${state})`;
  } catch {
    return `${pid}: gone`;
  }
}

function databasePids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').split('\0');
      if (argv.some((a) => a.includes(dataDir)) && !/(^|\/)node$/.test(argv[0])) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Readiness crosses the gateway, every service and the database. With the database paused, 40 readiness
 * requests stay in flight inside the system; SIGTERM arrives; the database resumes within the services'
 * ping timeout, so every request must still get its normal 200 while new ones are turned away.
 */
async function sigtermWithRequestsInFlight(system: RunningSystem) {
  const db = databasePids(system.dataDir);
  expect(db.length).toBeGreaterThan(0);
  const settled: number[] = [];
  db.forEach((pid) => process.kill(pid, 'SIGSTOP'));
  let resumed = false;
  const resume = () => {
    if (resumed) return;
    resumed = true;
    db.forEach((pid) => process.kill(pid, 'SIGCONT'));
  };
  try {
    const requests = Array.from({ length: IN_FLIGHT }, () =>
      fetch(`${system.baseUrl}/health/ready`).then(
        (r) => {
          settled.push(r.status);
          return r.status;
        },
        (err: Error & { cause?: { code?: string } }) => `failed: ${err.cause?.code ?? err.message}`,
      ),
    );
    await sleep(500);
    expect(settled).toHaveLength(0);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      system.proc.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    const signalledAt = Date.now();
    system.proc.kill('SIGTERM');
    await sleep(200);
    const late = await fetch(`${system.baseUrl}/health/ready`).then(
      (r) => r.status,
      () => 'refused',
    );
    resume();
    const statuses = await Promise.all(requests);
    const { code, at } = await exited;
    return { statuses, late, code, exitMs: at - signalledAt };
  } finally {
    resume();
  }
}

describe('graceful shutdown', () => {
  const admin = mintToken('admin');

  it('one process: Ctrl-C (SIGINT to the whole process group) 30 ms after 40 requests answers all 40 and stops the database last', async () => {
    const system = await startSystem({ detached: true, env: { RESILIENCE_CALL_TIMEOUT_MS: '5000' } });
    try {
      expect(databasePids(system.dataDir).length).toBeGreaterThan(0);
      const exited = new Promise<number | null>((resolve) => system.proc.once('exit', (code) => resolve(code)));
      // A read that needs the database every time (readiness itself answers 503 once draining, by design).
      const requests = Array.from({ length: IN_FLIGHT }, () =>
        fetch(`${system.baseUrl}/api/v2/users?limit=5`, { headers: { authorization: `Bearer ${admin}` } }).then(
          (r) => r.status,
          (err: Error & { cause?: { code?: string } }) => `failed: ${err.cause?.code ?? err.message}`,
        ),
      );
      await sleep(30);
      // As a terminal does on Ctrl-C: every process of the group gets it, the database server too if it were there.
      process.kill(-system.proc.pid!, 'SIGINT');
      expect(await Promise.all(requests)).toEqual(Array(IN_FLIGHT).fill(200));
      expect(await exited).toBe(0);
      expect(system.output()).toMatch(/SIGINT received: draining/);
      expect(databasePids(system.dataDir)).toEqual([]);
    } finally {
      await system.stop('SIGKILL');
    }
  });

  it('one process: SIGTERM with 40 requests in flight answers all of them, refuses new ones and exits 0', async () => {
    const system = await startSystem({ env: { RESILIENCE_CALL_TIMEOUT_MS: '5000' } });
    try {
      const { statuses, late, code, exitMs } = await sigtermWithRequestsInFlight(system);
      expect(statuses).toEqual(Array(IN_FLIGHT).fill(200));
      expect([503, 'refused']).toContain(late);
      expect(code).toBe(0);
      expect(exitMs).toBeLessThan(DRAIN_TIMEOUT_MS);
      expect(system.output()).toMatch(/SIGTERM received: draining/);
      expect(databasePids(system.dataDir)).toEqual([]);
    } finally {
      await system.stop('SIGKILL');
    }
  });

  it('split launcher: SIGTERM drains the gateway, then stops every app, and exits 0', async () => {
    const system = await startSystem({ mode: 'split', env: { RESILIENCE_CALL_TIMEOUT_MS: '5000' } });
    const apps = system.state().apps;
    try {
      const { statuses, late, code, exitMs } = await sigtermWithRequestsInFlight(system);
      expect(statuses).toEqual(Array(IN_FLIGHT).fill(200));
      expect([503, 'refused']).toContain(late);
      expect(code).toBe(0);
      expect(exitMs).toBeLessThan(DRAIN_TIMEOUT_MS);
      for (const app of apps) expect(isAlive(app.pid)).toBe(false);
      expect(databasePids(system.dataDir).map(describePid)).toEqual([]);
      // Every app ran its own shutdown rather than being killed.
      for (const name of ['gateway', 'auth', 'user', 'movie', 'recommendation']) {
        expect(system.output()).toMatch(new RegExp(`${name}\\s*\\| \\[${name}\\] SIGTERM received`));
      }
    } finally {
      await system.stop('SIGKILL');
    }
  });
});
