import { randomBytes } from 'node:crypto';
import { saveTally } from './openapi-contract';

jest.setTimeout(120_000);

// The deployment's service secret for every process a suite starts: systems, and the apps some suites start on
// their own next to them (a replacement instance, a second gateway), which must share it. Never a fixed value.
process.env.SERVICE_SECRET ||= randomBytes(32).toString('base64url');

afterAll(() => saveTally(expect.getState().testPath ?? 'unknown'));
