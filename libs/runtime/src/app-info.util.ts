import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

let version: string | undefined;

export function appVersion(): string {
  if (version) return version;
  try {
    version = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}

export function instanceId(service: string, port: number | string): string {
  return `${service}@${hostname()}:${process.pid}:${port}`;
}
