import { randomBytes } from 'node:crypto';
import { AppConfig, ConfigError, loadConfig, withSettings } from '@app/config';
import { otlpSettingsProblem } from '@app/observability';

/** Loads the configuration or stops the process with a message naming the bad key, before anything starts. */
export function loadConfigOrExit(): AppConfig {
  try {
    const config = loadConfig();
    const tracing = otlpSettingsProblem();
    if (tracing) throw new ConfigError(tracing);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** A process that runs alone among others (a split service, a gateway) must be given the deployment's shared secret. */
export function requireServiceSecret(config: AppConfig): void {
  if (!config.serviceAuth.secret) {
    fail(
      'SERVICE_SECRET is not set: every process of a split deployment signs its messages with the same secret (32+ random characters, e.g. `openssl rand -base64 32`); `npm run start:split` generates one for the processes it starts',
    );
  }
}

/** Where one launcher owns every process of the deployment (one process, the split launcher), a fresh secret per run will do. */
export function withServiceSecret(config: AppConfig): AppConfig {
  return config.serviceAuth.secret ? config : withSettings(config, { SERVICE_SECRET: randomBytes(32).toString('base64url') });
}
