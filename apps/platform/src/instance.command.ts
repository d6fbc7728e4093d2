import { AppConfig, envNameFor, SERVICE_NAMES, ServiceName } from '@app/config';
import { freePort } from '@app/dev-harness';
import { logPathFor } from '@app/observability';
import { runServiceMain } from '@app/runtime';
import { readPlatformState } from './platform-state.util';
import { SERVICE_MODULES } from './service-modules.constants';
import { argsOrExit } from './command-args.util';

interface InstanceArgs {
  service: ServiceName;
  weight: number;
  port?: number;
}

/** `<service> [--weight N] [--port P]` */
export function parseInstanceArgs(argv: string[]): InstanceArgs {
  const [service, ...rest] = argv;
  if (!SERVICE_NAMES.includes(service as ServiceName)) {
    throw new Error(`Usage: npm run start:instance -- <service> [--weight N] [--port P], service one of ${SERVICE_NAMES.join(', ')}`);
  }
  const args: InstanceArgs = { service: service as ServiceName, weight: 1 };
  for (let i = 0; i < rest.length; i++) {
    const given = rest[i];
    const [flag, inline] = given.split('=', 2);
    const value = inline ?? rest[++i];
    const n = Number(value);
    if (flag === '--weight' && Number.isInteger(n) && n >= 1 && n <= 1000) args.weight = n;
    else if (flag === '--port' && Number.isInteger(n) && n >= 1 && n <= 65535) args.port = n;
    else
      throw new Error(
        `Bad argument ${given}${inline === undefined && value !== undefined ? ` ${value}` : ''}: expected --weight 1..1000 or --port 1..65535`,
      );
  }
  return args;
}

/**
 * `npm run start:instance -- movie --weight 2`: one more instance of a service, joining the split system that runs on
 * this DATA_DIR. It reads the system's database URI and registry from the state file the launcher wrote, announces
 * itself there and runs in this very process (its pid is the instance's, for signals).
 */
export async function runInstance(config: AppConfig, argv: string[]): Promise<void> {
  const args = argsOrExit(parseInstanceArgs, argv);
  const state = readPlatformState(config);
  if (state.registry !== 'nats') {
    throw new Error(
      `The running system uses REGISTRY=${state.registry}: its callers cannot learn of a new instance. Start it with REGISTRY=nats`,
    );
  }
  const port = args.port ?? (await freePort());
  const healthPort = await freePort();
  const env: Record<string, string> = {
    MODE: 'split',
    MONGO_URI: state.mongoUri,
    REGISTRY: 'nats',
    TRANSPORT: state.transport,
    NATS_URL: state.natsUrl,
    [envNameFor('nats.subjectPrefix')]: state.subjectPrefix,
    [envNameFor(`services.${args.service}.port`)]: String(port),
    [envNameFor(`services.${args.service}.healthPort`)]: String(healthPort),
    [envNameFor(`services.${args.service}.weight`)]: String(args.weight),
    SERVICE_SECRET: config.serviceAuth.secret || state.serviceSecret,
  };
  if (config.log.file.enabled) env[envNameFor('log.file.path')] = logPathFor(config.log.file.path, `${args.service}-${port}`);
  Object.assign(process.env, env);
  await runServiceMain(args.service, SERVICE_MODULES[args.service]);
}
