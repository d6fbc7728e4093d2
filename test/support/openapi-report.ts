import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_DIR_ENV } from './openapi-contract';

/** e2e global setup: a folder for the test files' counts (the workers inherit the variable). */
export default function setup(): void {
  process.env[REPORT_DIR_ENV] = mkdtempSync(join(tmpdir(), 'openapi-report-'));
}

/** e2e global teardown: how many responses every suite had validated against openapi.json. */
export function teardown(): void {
  const dir = process.env[REPORT_DIR_ENV];
  if (!dir) return;
  let validated = 0;
  let outside = 0;
  const files = readdirSync(dir);
  for (const file of files) {
    const tally = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { validated: number; outside: number };
    validated += tally.validated;
    outside += tally.outside;
  }
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `\n${validated} responses validated against openapi.json in ${files.length} test files` +
      ` (${outside} more were to paths outside the API document: dashboard, docs, metrics, unknown routes)\n`,
  );
}
