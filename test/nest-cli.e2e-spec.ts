import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ROOT } from './support/system';

const NEST = require.resolve('@nestjs/cli/bin/nest.js');

/** Runs a nest CLI generator as its docs say, without writing anything (--dry-run). */
function generate(...args: string[]): string {
  const result = spawnSync(process.execPath, [NEST, 'g', ...args, '--dry-run'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  // The CLI prints CREATE/UPDATE in colour.
  const output = stripVTControlCharacters(`${result.stdout}${result.stderr}`);
  expect({ status: result.status, output }).toEqual({ status: 0, output: expect.any(String) });
  return output;
}

describe('the nest CLI scaffolds into the app it is told to (monorepo)', () => {
  it('nest g resource reviews --project movie lists the files under apps/movie/src/reviews/ and wires the module', () => {
    const output = generate('resource', 'reviews', '--project', 'movie');
    for (const file of ['reviews.module.ts', 'reviews.service.ts', 'reviews.controller.ts', 'dto/create-review.dto.ts'])
      expect(output).toContain(`CREATE apps/movie/src/reviews/${file}`);
    expect(output).toContain('UPDATE apps/movie/src/movie.module.ts');
    expect(existsSync(join(ROOT, 'apps', 'movie', 'src', 'reviews'))).toBe(false);
  });

  it.each(['module', 'controller', 'service'])('nest g %s lands in the project it names', (schematic) => {
    const output = generate(schematic, 'reviews', '--project', 'user');
    expect(output).toMatch(new RegExp(`CREATE apps/user/src/reviews/reviews\\.${schematic}\\.ts`));
  });
});
