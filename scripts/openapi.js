#!/usr/bin/env node
// Writes openapi.json (the whole gateway's document, made by the built platform launcher without starting any service or database)
// and the dashboard's API types generated from it (apps/dashboard/src/api.types.ts, openapi-typescript).
// The document is validated with swagger-parser first. With --check it writes nothing and exits 1 when either committed
// file differs from what the code produces (the drift test runs it).
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const platformMain = join(root, 'dist', 'apps', 'platform', 'main.js');
const documentFile = join(root, 'openapi.json');
const typesFile = join(root, 'apps', 'dashboard', 'src', 'api.types.ts');
const TYPES_HEADER = '// Generated from openapi.json by `npm run openapi` (openapi-typescript): do not edit by hand.\n';

function exportDocument() {
  if (!existsSync(platformMain)) throw new Error(`${relative(root, platformMain)} is missing: run npm run build first`);
  // NODE_ENV=test: the document must not depend on the machine's production settings (it does not read them anyway).
  const result = spawnSync(process.execPath, [platformMain, 'openapi'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the gateway could not export its document:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function generateTypes(document) {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const prettier = require('prettier');
  const source = TYPES_HEADER + astToString(await openapiTS(JSON.parse(document)));
  return prettier.format(source, { ...(await prettier.resolveConfig(typesFile)), filepath: typesFile });
}

async function main() {
  const check = process.argv.includes('--check');
  const document = exportDocument();
  const SwaggerParser = require('@apidevtools/swagger-parser');
  await SwaggerParser.validate(JSON.parse(document));
  const outputs = [
    [documentFile, document],
    [typesFile, await generateTypes(document)],
  ];
  let drifted = 0;
  for (const [file, content] of outputs) {
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (committed === content) continue;
    if (check) {
      drifted++;
      process.stderr.write(`${relative(root, file)} differs from what the code produces: run npm run openapi and commit it\n`);
    } else {
      writeFileSync(file, content);
      process.stdout.write(`wrote ${relative(root, file)}\n`);
    }
  }
  if (check && !drifted) process.stdout.write('openapi.json and the dashboard types match the code\n');
  process.exitCode = drifted ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exitCode = 1;
});
