import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppConfig, configSchema } from './config.schema';

/** Short environment names for the settings people set most. */
const ENV_ALIASES: Readonly<Record<string, string>> = {
  PORT: 'http.port',
  MONGO_URI: 'mongo.uri',
  DATA_DIR: 'dataDir',
  LOG_LEVEL: 'log.level',
  JWT_SECRET: 'jwt.secret',
  ADMIN_PASSWORD: 'user.adminPassword',
  NATS_URL: 'nats.url',
  TRANSPORT: 'transport',
  REGISTRY: 'registry.mode',
  DEMO_DATA: 'demoData',
  MODE: 'mode',
  SERVICE_SECRET: 'serviceAuth.secret',
};

export class ConfigError extends Error {}

type Tree = { [key: string]: unknown };

/** `resilience.callTimeoutMs` -> `RESILIENCE_CALL_TIMEOUT_MS` */
export function envNameFor(path: string): string {
  return path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_');
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Tree, over: unknown): Tree {
  if (!isTree(over)) return base;
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isTree(value) && isTree(base[key]) ? merge(base[key], value) : value;
  }
  return out;
}

function leafPaths(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isTree(value) ? leafPaths(value, path) : [path];
  });
}

function getAt(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isTree(node) ? node[key] : undefined), tree);
}

function setAt(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) node = node[key] as Tree;
  node[keys[keys.length - 1]] = value;
}

/** Environment strings take the type of the default they replace; a bad one stays a string and fails validation. */
function coerce(raw: string, like: unknown): unknown {
  if (typeof like === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  if (typeof like === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return raw;
  }
  return raw;
}

function readYaml(file: string): Tree {
  if (!existsSync(file)) return {};
  const parsed: unknown = parse(readFileSync(file, 'utf8'));
  return isTree(parsed) ? parsed : {};
}

function configDir(): string {
  const candidates = [process.env.CONFIG_DIR, join(process.cwd(), 'config'), join(__dirname, '../../../config')];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'default.yaml'))) ?? join(process.cwd(), 'config');
}

/**
 * Loads config/default.yaml, then config/<NODE_ENV>.yaml, then environment variables,
 * and validates the result. Throws ConfigError naming the offending variable.
 */
/** The environment each configuration was loaded from, so that withSettings validates the whole again. */
const sourceEnvs = new WeakMap<AppConfig, NodeJS.ProcessEnv>();

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  const dir = configDir();
  let tree = merge(readYaml(join(dir, 'default.yaml')), readYaml(join(dir, `${nodeEnv}.yaml`)));
  tree = { ...tree, env: nodeEnv };
  const sources = new Map<string, string>();
  for (const path of leafPaths(tree)) {
    const name = envNameFor(path);
    if (env[name] !== undefined) {
      setAt(tree, path, coerce(env[name], getAt(tree, path)));
      sources.set(path, name);
    }
  }
  for (const [alias, path] of Object.entries(ENV_ALIASES)) {
    if (env[alias] !== undefined) {
      setAt(tree, path, coerce(env[alias], getAt(tree, path)));
      sources.set(path, alias);
    }
  }
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      // The variable people set: the one given, else the short alias when there is one.
      const name = sources.get(path) ?? Object.keys(ENV_ALIASES).find((alias) => ENV_ALIASES[alias] === path) ?? envNameFor(path);
      return `${name} (${path}): ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  sourceEnvs.set(result.data, { ...env });
  return result.data;
}

/**
 * The same configuration with some settings added by their environment names (`MONGO_URI`, `REGISTRY`, ...),
 * validated again as a whole. A launcher that learns something at start-up (the embedded database's address, free
 * ports, a generated secret) makes a new configuration this way: a configuration is never changed after validation.
 */
export function withSettings(config: AppConfig, settings: Record<string, string>): AppConfig {
  return loadConfig({ ...(sourceEnvs.get(config) ?? process.env), ...settings });
}

/** Every environment variable name the configuration understands. */
export function knownEnvNames(): string[] {
  const tree = readYaml(join(configDir(), 'default.yaml'));
  // APP is read by the container image's entry to pick the app's bundle, not by the configuration.
  return [...leafPaths(tree).map(envNameFor), ...Object.keys(ENV_ALIASES), 'NODE_ENV', 'CONFIG_DIR', 'APP'];
}
