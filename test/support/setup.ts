import { saveTally } from './openapi-contract';

jest.setTimeout(120_000);

afterAll(() => saveTally(expect.getState().testPath ?? 'unknown'));
