import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultCacheDir, ensureCachedBinary, goEnv, hasGo, run } from '@app/dev-harness';

/**
 * Command-line tools the container checks need, built from their Go modules into ~/.cache/movie-platform
 * like FerretDB and NATS: nothing is downloaded from anywhere but the Go module proxy.
 */
const TOOLS = {
  // v5.8.3 needs Go 1.27; v5.8.2 is the newest that builds with this machine's Go 1.26.
  kustomize: { module: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.2', built: 'kustomize' },
  // The Compose Specification's reference loader (the one `docker compose config` uses) as a CLI: Debian's
  // podman-compose 1.0.3 has no `config` command.
  'compose-spec': { module: 'github.com/compose-spec/compose-go/v2/cmd', version: 'v2.16.2', built: 'cmd' },
};
export type GoToolName = keyof typeof TOOLS;

/** Why the tool cannot be had here (neither built nor buildable), or undefined when it can. */
export function goToolUnavailable(name: GoToolName): string | undefined {
  const { version } = TOOLS[name];
  const bin = join(defaultCacheDir(), `${name}-${version}`, 'bin', name);
  return existsSync(bin) || hasGo() ? undefined : `${name} ${version} is not built at ${bin} and the Go toolchain (go) is not installed`;
}

/** The tool's binary, built first when missing (a few minutes once; reused afterwards). */
export function goTool(name: GoToolName, log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): Promise<string> {
  const { module, version, built } = TOOLS[name];
  return ensureCachedBinary(defaultCacheDir(), `${name}-${version}`, name, (home, bin) => {
    log(`Building ${name} ${version} from its Go module into ${home} (once; a few minutes).`);
    const gobin = join(home, 'gobin');
    run('go', ['install', `${module}@${version}`], home, { ...goEnv(), GOBIN: gobin });
    mkdirSync(dirname(bin), { recursive: true });
    renameSync(join(gobin, built), bin);
  });
}
