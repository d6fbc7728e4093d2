// Lets a benchmark require the project's TypeScript directly (libs via @app/*), compiled by @swc/core
// with the same settings as the jest transform, so benchmarks measure the real code, not a copy.
const Module = require('node:module');
const { join } = require('node:path');
const { readFileSync } = require('node:fs');
const swc = require('@swc/core');

const root = join(__dirname, '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = /^@app\/([a-z-]+)$/.exec(request);
  if (m) request = join(root, 'libs', m[1], 'src', 'index.ts');
  return resolve.call(this, request, parent, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require('reflect-metadata');
