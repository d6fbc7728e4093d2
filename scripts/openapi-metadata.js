#!/usr/bin/env node
// The swagger CLI plugin under the SWC builder: SWC cannot run TypeScript transformers, so the plugin's
// readonly visitor reads the DTOs and controllers with the type checker and writes what it found to
// apps/gateway/src/metadata.ts, which the gateway loads with SwaggerModule.loadPluginMetadata().
// scripts/build.js runs this when a DTO, controller or contract is newer than metadata.ts; `--check`
// fails when the committed file differs from a fresh one (npm run lint).
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');

const root = join(__dirname, '..');
process.chdir(root);
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
const swaggerPlugin = nestCli.compilerOptions.plugins.find((p) => p.name === '@nestjs/swagger');
const outputDir = join(root, 'apps', 'gateway', 'src');
const target = join(outputDir, 'metadata.ts');

function generate(dir) {
  new PluginMetadataGenerator().generate({
    visitors: [new ReadonlyVisitor({ ...swaggerPlugin.options, pathToSource: outputDir })],
    outputDir: dir,
    // The whole workspace (apps, libs, tests, benchmarks): generating the metadata type-checks all of it.
    tsconfigPath: 'tsconfig.json',
    printDiagnostics: false,
  });
}

if (process.argv.includes('--check')) {
  const before = existsSync(target) ? readFileSync(target, 'utf8') : '';
  generate(outputDir);
  if (readFileSync(target, 'utf8') !== before) {
    console.error('apps/gateway/src/metadata.ts was stale (DTOs changed); it has been regenerated: commit it.');
    process.exit(1);
  }
} else {
  generate(outputDir);
  console.log('Wrote apps/gateway/src/metadata.ts (swagger plugin metadata).');
}
