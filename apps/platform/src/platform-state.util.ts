import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '@app/config';

/** What a running split system tells `npm run start:instance`: where its database and registry are. */
interface PlatformState {
  pid: number;
  mongoUri: string;
  registry: AppConfig['registry']['mode'];
  transport: AppConfig['transport'];
  natsUrl: string;
  subjectPrefix: string;
  /** The deployment's SERVICE_SECRET, so that an added instance can talk to the others. */
  serviceSecret: string;
}

export function platformStateFile(config: AppConfig): string {
  return join(config.dataDir, 'platform-state.json');
}

export function writePlatformState(config: AppConfig, running: { mongoUri: string; pid: number; serviceSecret: string }): void {
  const state: PlatformState = {
    ...running,
    registry: config.registry.mode,
    transport: config.transport,
    natsUrl: config.nats.url,
    subjectPrefix: config.nats.subjectPrefix,
  };
  // The service secret, and a MONGO_URI given by the operator, are secrets: owner-only, removed when the launcher stops.
  writeFileSync(platformStateFile(config), JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** The state of the system running on this DATA_DIR, or why there is none. */
export function readPlatformState(config: AppConfig): PlatformState {
  const file = platformStateFile(config);
  let state: PlatformState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as PlatformState;
  } catch {
    throw new Error(`No running split system found (${file} is missing): start one with \`npm run start:split\` and the same DATA_DIR`);
  }
  try {
    process.kill(state.pid, 0);
  } catch {
    throw new Error(`The split system recorded in ${file} (pid ${state.pid}) is no longer running`);
  }
  return state;
}
