// Command-line tools the container checks need, built from their Go modules into ~/.cache/movie-platform
// (like FerretDB): no binary is downloaded from anywhere but the Go module proxy.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, renameSync, rmSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'movie-platform');

const TOOLS = {
  // v5.8.3 needs Go 1.27; v5.8.2 is the newest that builds with this machine's Go 1.26.
  kustomize: { module: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.2', built: 'kustomize' },
  // The Compose Specification's reference loader (the one `docker compose config` uses), as a CLI: Debian's
  // podman-compose 1.0.3 has no `config` command.
  'compose-spec': { module: 'github.com/compose-spec/compose-go/v2/cmd', version: 'v2.16.2', built: 'cmd' },
};

class ToolUnavailable extends Error {}

function hasGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** The path of the tool's binary, built first when missing (a few minutes once; reused afterwards). */
function goTool(name, log = (m) => process.stderr.write(`${m}\n`)) {
  const { module, version, built } = TOOLS[name];
  const home = join(CACHE, `${name}-${version}`);
  const bin = join(home, 'bin', name);
  if (existsSync(bin)) return bin;
  if (!hasGo()) throw new ToolUnavailable(`${name} ${version} is not built in ${home} and the Go toolchain (go) is not installed`);
  // Built into a folder of its own, then renamed: a concurrent reader sees the whole binary or none.
  const tmp = join(home, `tmp-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  log(`Building ${name} ${version} from its Go module into ${home} (once; a few minutes).`);
  try {
    const res = spawnSync('go', ['install', `${module}@${version}`], {
      env: { ...process.env, GOBIN: tmp, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0', GOTELEMETRY: 'off' },
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new ToolUnavailable(`go install ${module}@${version} failed: ${(res.stderr || '').trim().slice(-1500)}`);
    mkdirSync(join(home, 'bin'), { recursive: true });
    renameSync(join(tmp, built), bin);
    return bin;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { goTool, ToolUnavailable, CACHE };
