// The development harness: the embedded database and NATS server (built once with Go), free ports. Used by the
// launchers in apps/platform, services started alone without MONGO_URI, the tests and the benchmarks; never by a
// service's runtime modules, which reach their database through @app/database.
export * from './embedded-db.launcher';
export * from './ports.util';
export * from './nats-server.launcher';
export { defaultCacheDir, ensureCachedBinary, goEnv, hasGo, run } from './go-binary.util';
