import { ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { AppConfig, envNameFor, SERVICE_NAMES, ServiceName, withSettings } from '@app/config';
import { EmbeddedDb, freePort, isPortFree, LocalNatsServer, startEmbeddedDb, startNatsServer } from '@app/dev-harness';
import { logPathFor } from '@app/observability';
import { formatInstances, InstanceSpec } from '@app/resilience';
import { withServiceSecret } from '@app/runtime';
import { assertPortFree } from '../../gateway/src/gateway.bootstrap';
import { platformStateFile, writePlatformState } from './platform-state.util';
import { argsOrExit } from './command-args.util';

interface SplitArgs {
  scale: Partial<Record<ServiceName, number[]>>;
  freePorts: boolean;
}

/** `--scale movie=3,1 user=1,1` (weights per instance) and `--free-ports`. */
export function parseSplitArgs(argv: string[]): SplitArgs {
  const args: SplitArgs = { scale: {}, freePorts: false };
  const items: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--free-ports') args.freePorts = true;
    else if (arg.startsWith('--scale=')) items.push(arg.slice('--scale='.length));
    else if (arg === '--scale') {
      while (argv[i + 1] && !argv[i + 1].startsWith('--')) items.push(argv[++i]);
    } else throw new Error(`Unknown argument: ${arg}`);
  }
  for (const item of items.flatMap((s) => s.split(/\s+/)).filter(Boolean)) {
    const match = /^([a-z]+)=(\d+(?:,\d+)*)$/.exec(item);
    if (!match || !SERVICE_NAMES.includes(match[1] as ServiceName)) {
      throw new Error(
        `Bad --scale item "${item}": expected <service>=<weight>[,<weight>...] with service one of ${SERVICE_NAMES.join(', ')}`,
      );
    }
    const weights = match[2].split(',').map(Number);
    if (weights.some((w) => w < 1)) throw new Error(`Bad --scale item "${item}": weights must be at least 1`);
    args.scale[match[1] as ServiceName] = weights;
  }
  return args;
}

export interface Child {
  name: string;
  service: ServiceName | 'gateway';
  port: number;
  healthPort?: number;
  weight?: number;
  process?: ChildProcess;
}

async function consecutiveFreePorts(start: number, count: number, taken: Set<number>): Promise<number[]> {
  for (let base = start; base < 65000; base++) {
    const ports = Array.from({ length: count }, (_, k) => base + k);
    if (ports.some((p) => taken.has(p))) continue;
    const free = await Promise.all(ports.map((p) => isPortFree(p)));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`No ${count} consecutive free ports from ${start}`);
}

/** Plans every app process: ports from config and consecutive ports for scaled services, or with --free-ports one free port each. */
export async function plan(config: AppConfig, args: SplitArgs): Promise<Child[]> {
  const taken = new Set<number>([
    config.http.port,
    ...SERVICE_NAMES.flatMap((s) => [config.services[s].port, config.services[s].healthPort]),
  ]);
  const children: Child[] = [];
  for (const service of SERVICE_NAMES) {
    const weights = args.scale[service] ?? [1];
    const own = config.services[service];
    let ports: number[];
    if (args.freePorts) {
      // One free (and reserved) port per instance. A planned port that happens to be even is where the kernel prefers
      // to put outgoing connections (bind(0) hands out odd ones), so a consecutive run could lose its even port to a
      // client before the instance listens.
      ports = [];
      for (let k = 0; k < weights.length; k++) ports.push(await freePort());
    } else if (weights.length === 1) ports = [own.port];
    else {
      // The run starts at the service's own port, skipping ports other apps were given.
      const others = new Set([...taken].filter((p) => p !== own.port));
      ports = await consecutiveFreePorts(own.port, weights.length, others);
    }
    ports.forEach((p) => taken.add(p));
    for (let k = 0; k < weights.length; k++) {
      const healthPort = args.freePorts || k > 0 ? await freePort() : own.healthPort;
      taken.add(healthPort);
      children.push({
        name: weights.length > 1 ? `${service}-${k + 1}` : service,
        service,
        port: ports[k],
        healthPort,
        weight: weights[k],
      });
    }
  }
  children.push({ name: 'gateway', service: 'gateway', port: config.http.port });
  return children;
}

function prefixLines(stream: NodeJS.ReadableStream, name: string, out: NodeJS.WritableStream): void {
  const label = name.padEnd(16);
  createInterface({ input: stream }).on('line', (line) => out.write(`${label}| ${line}\n`));
}

/** `npm run start:split`: each app as its own process, output prefixed, no restarts, signals forwarded. */
export async function runSplit(loaded: AppConfig, argv: string[]): Promise<void> {
  let config = loaded;
  const say = (m: string) => process.stdout.write(`${'launcher'.padEnd(16)}| ${m}\n`);
  const args = argsOrExit(parseSplitArgs, argv);
  await assertPortFree(config);
  let db: EmbeddedDb | undefined;
  let mongoUri = config.mongo.uri;
  if (!mongoUri) {
    db = await startEmbeddedDb({
      dataDir: config.dataDir,
      cacheDir: config.embeddedDb.cacheDir,
      engine: config.embeddedDb.engine,
      log: say,
    });
    mongoUri = db.uri;
    say(`embedded database (${db.engine}) on ${db.uri}`);
  }
  const registry = config.registry.mode;
  let nats: LocalNatsServer | undefined;
  if (!process.env.NATS_URL && (registry === 'nats' || config.transport === 'nats' || config.events.engine !== 'memory')) {
    // Events travel on JetStream (and the registry may need NATS too); without NATS_URL this system gets a private
    // server (never a shared default port) that keeps its streams beside the database files.
    nats = await startNatsServer({ cacheDir: config.embeddedDb.cacheDir, jetStreamDir: join(config.dataDir, 'jetstream'), log: say });
    config = withSettings(config, { NATS_URL: nats.url });
    say(`NATS server with JetStream (events${registry === 'nats' ? ', registry' : ''}) on ${nats.url}`);
  }
  // The launcher owns this deployment: without SERVICE_SECRET it makes one for its children (env only, never on the command line).
  config = withServiceSecret(config);
  const serviceSecret = config.serviceAuth.secret;
  const children = await plan(config, args);
  const instances: Partial<Record<ServiceName, InstanceSpec[]>> = {};
  for (const c of children) {
    if (c.service === 'gateway') continue;
    (instances[c.service] ??= []).push({ host: '127.0.0.1', port: c.port, weight: c.weight ?? 1 });
  }
  const distDir = dirname(dirname(process.argv[1]));
  let stopping = false;
  let running = 0;
  let resolveAllExited: () => void = () => undefined;
  const allExited = new Promise<void>((r) => (resolveAllExited = r));
  for (const child of children) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MODE: 'split',
      MONGO_URI: mongoUri,
      REGISTRY: registry,
      NATS_URL: config.nats.url,
      SERVICE_SECRET: serviceSecret,
    };
    // Services call each other too (auth -> user, recommendation -> movie), so every app learns every instance.
    for (const s of SERVICE_NAMES) env[envNameFor(`services.${s}.instances`)] = formatInstances(instances[s] ?? []);
    // Two processes rotating one file would cut each other's lines: each app logs to its own file.
    if (config.log.file.enabled) env[envNameFor('log.file.path')] = logPathFor(config.log.file.path, child.name);
    if (child.service === 'gateway') {
      env.PORT = String(child.port);
    } else {
      env[envNameFor(`services.${child.service}.port`)] = String(child.port);
      env[envNameFor(`services.${child.service}.healthPort`)] = String(child.healthPort);
      // REGISTRY=nats: each instance announces its own weight.
      env[envNameFor(`services.${child.service}.weight`)] = String(child.weight ?? 1);
    }
    // Own process groups: a Ctrl-C (SIGINT to the whole group) reaches only this launcher, which stops the gateway first.
    const proc = spawn(process.execPath, [join(distDir, child.service, 'main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.process = proc;
    running++;
    prefixLines(proc.stdout, child.name, process.stdout);
    prefixLines(proc.stderr, child.name, process.stderr);
    proc.on('exit', (code, signal) => {
      running--;
      if (!stopping) say(`${child.name} (pid ${proc.pid}) exited with ${signal ?? `code ${code}`}; not restarting it`);
      if (running === 0) resolveAllExited();
    });
    say(
      `${child.name}: pid ${proc.pid}, ${child.service === 'gateway' ? `http port ${child.port}` : `${config.transport} port ${child.port}, health port ${child.healthPort}, weight ${child.weight}`}`,
    );
  }
  if (process.env.SPLIT_STATE_FILE) {
    const state = {
      db: db ? { uri: db.uri, pid: db.pid } : null,
      apps: children.map((c) => ({
        name: c.name,
        service: c.service,
        pid: c.process?.pid,
        port: c.port,
        healthPort: c.healthPort,
        weight: c.weight,
      })),
    };
    writeFileSync(process.env.SPLIT_STATE_FILE, JSON.stringify(state, null, 2));
  }
  // `npm run start:instance` finds the database and the registry of this running system here.
  writePlatformState(config, { mongoUri, pid: process.pid, serviceSecret });
  const stopChild = (c: Child) =>
    new Promise<void>((resolve) => {
      const proc = c.process;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping every app`);
    const hardStop = setTimeout(() => children.forEach((c) => c.process?.kill('SIGKILL')), 2 * config.shutdown.drainTimeoutMs + 5000);
    // The gateway drains first so that the requests it still has in flight can reach the services.
    const gateway = children.find((c) => c.service === 'gateway');
    if (gateway) await stopChild(gateway);
    await Promise.all(children.filter((c) => c !== gateway).map(stopChild));
    if (running > 0) await allExited;
    clearTimeout(hardStop);
    await db?.stop();
    await nats?.stop();
    rmSync(platformStateFile(config), { force: true });
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', (s) => void shutdown(s));
  process.on('SIGTERM', (s) => void shutdown(s));
}
