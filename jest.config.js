// Unit specs sit beside the code; e2e suites live in test/ and drive the built apps over HTTP.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Nest 12 and cockatiel ship ESM only: transform node_modules too.
  transformIgnorePatterns: [],
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  // Nest apps import it first thing in main.ts; specs that load decorated classes need it too.
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  // The first test of a file also pays for transforming its imports (Nest, Fastify) with SWC: seconds on a busy machine.
  // A run-wide option: jest-circus reads it from the global config only (set inside a project, it is ignored and
  // the default of 5 s applies). e2e suites raise it in test/support/setup.ts.
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Its own project, run after the others by `npm test`: a podman image build on the same two cores made
      // timing-sensitive suites (shutdown, file logs) fail in CI.
      testPathIgnorePatterns: ['<rootDir>/test/containers.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
      // Counts the responses validated against openapi.json in every suite and prints the total at the end.
      globalSetup: '<rootDir>/test/support/openapi-report.ts',
      globalTeardown: '<rootDir>/test/support/openapi-teardown.ts',
      slowTestThreshold: 30,
    },
    { ...common, displayName: 'containers', testMatch: ['<rootDir>/test/containers.e2e-spec.ts'], slowTestThreshold: 300 },
  ],
};
