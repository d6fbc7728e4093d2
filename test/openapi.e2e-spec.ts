import SwaggerParser from '@apidevtools/swagger-parser';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAPI_FILE } from './support/openapi-contract';
import { ROOT } from './support/system';

/** The committed document is the contract: it matches the code, is valid OpenAPI 3, and passes Spectral's OpenAPI rules. */
describe('the OpenAPI document (openapi.json)', () => {
  const document = () => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

  it('matches what the code produces, as do the dashboard types generated from it (npm run openapi)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'openapi.js'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toContain('match the code');
    expect(result.status).toBe(0);
  });

  it('is valid OpenAPI 3 (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(document())).resolves.toMatchObject({ openapi: expect.stringMatching(/^3\./) });
  });

  it('has 0 errors and 0 warnings under spectral:oas and the rules in .spectral.yaml', () => {
    const spectral = join(ROOT, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js');
    const result = spawnSync(
      process.execPath,
      [spectral, 'lint', OPENAPI_FILE, '--ruleset', join(ROOT, '.spectral.yaml'), '--fail-severity', 'hint', '--format', 'text'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(`${result.stdout}${result.stderr}`).toContain('No results with a severity of');
    expect(result.status).toBe(0);
  });

  it('documents every status of every operation with the shared ErrorResponse, and security on exactly the protected ones', () => {
    const doc = document();
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(30);
    for (const { name, op } of ops) {
      expect([name, typeof op.operationId, typeof op.description]).toEqual([name, 'string', 'string']);
      const errors = Object.entries(op.responses as Record<string, any>).filter(([status]) => Number(status) >= 400);
      expect([name, errors.length > 0]).toEqual([name, true]);
      for (const [status, response] of errors) {
        const ref = response.content?.['application/json']?.schema?.$ref;
        if (!(name === 'GET /health/ready' && status === '503'))
          expect([name, status, ref]).toEqual([name, status, '#/components/schemas/ErrorResponse']);
      }
      const secured = Boolean(op.security?.length);
      expect([name, 'documents 401', secured]).toEqual([name, 'documents 401', secured && '401' in op.responses]);
    }
  });
});
