import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { AppConfig, knownEnvNames, loadConfig, SERVICE_NAMES } from '@app/config';
import { goTool, goToolUnavailable } from './support/go-tools';
import { ROOT } from './support/system';

/**
 * The Dockerfile, docker-compose.yml and the Kubernetes manifests checked against what the code really serves
 * (ports from loadConfig, the health paths), and the manifests as kustomize renders them. Building and running
 * the image is test/containers.e2e-spec.ts (podman); there is no cluster here.
 */
const APPS = ['gateway', ...SERVICE_NAMES] as const;
type App = (typeof APPS)[number];
const HEALTH_PATHS = ['/health/live', '/health/ready'];
const KNOWN = new Set(knownEnvNames());
// Stands in for the secrets the files leave to the operator, so that production validation can run.
const OPERATOR_VALUES: Record<string, string> = {
  JWT_SECRET: 'x'.repeat(40),
  ADMIN_PASSWORD: 'operator-chosen-password',
  SERVICE_SECRET: 's'.repeat(40),
};

type Tree = Record<string, any>;
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The port an app answers its health paths on: the gateway's HTTP port, or a service's health port. */
function healthPort(app: App, config: AppConfig): number {
  return app === 'gateway' ? config.http.port : config.services[app].healthPort;
}

/** The port an app's traffic arrives on: HTTP for the gateway, the transport port for a service. */
function trafficPort(app: App, config: AppConfig): number {
  return app === 'gateway' ? config.http.port : config.services[app].port;
}

function configFor(env: Record<string, string>): AppConfig {
  const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' && OPERATOR_VALUES[k] ? OPERATOR_VALUES[k] : v]));
  return loadConfig({ ...filled });
}

/** `${JWT_SECRET:?msg}` -> an operator value; `${TRANSPORT:-tcp}` -> its default. */
function interpolate(value: unknown, name: string): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, variable: string, kind?: string, rest?: string) =>
    kind === '-' ? (rest ?? '') : (OPERATOR_VALUES[variable] ?? OPERATOR_VALUES[name] ?? 'set-by-operator'),
  );
}

/** What `node scripts/healthcheck.js` would probe inside a container with this environment. */
function healthcheckUrl(env: Record<string, string>): string {
  return execFileSync(process.execPath, [join(ROOT, 'scripts', 'healthcheck.js'), '--print'], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  }).trim();
}

interface Dockerfile {
  stages: { from: string; name?: string; lines: string[] }[];
}

function parseDockerfile(text: string): Dockerfile {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Dockerfile['stages'] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1], name: from[2], lines: [] });
    else stages[stages.length - 1].lines.push(line);
  }
  return { stages };
}

/** ENV a=b c=d, or ENV a b */
function dockerEnv(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lines.filter((l) => /^ENV\s/i.test(l))) {
    const body = line.replace(/^ENV\s+/i, '');
    if (body.includes('=')) for (const [, k, v] of body.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[k] = v.replace(/^"|"$/g, '');
    else {
      const [k, ...v] = body.split(/\s+/);
      env[k] = v.join(' ');
    }
  }
  return env;
}

describe('packaging: Dockerfile', () => {
  const { stages } = parseDockerfile(read('Dockerfile'));
  const runtime = stages[stages.length - 1];
  const imageEnv = dockerEnv(runtime.lines);

  it('builds with npm ci and the nest CLI on a Node LTS image, and runs on distroless Node with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => s.lines.some((l) => l.includes('scripts/build.js')))!;
    expect(build.lines.some((l) => /^RUN npm ci\b/.test(l) && !l.includes('--omit=dev'))).toBe(true);
    expect(read('scripts/build.js')).toContain('@nestjs/cli');
    expect(build.from).toMatch(/^node:(22|24)(\.\d+)*-[a-z]*-?slim$/);
    // The runtime has Node and glibc only: no shell, no npm, a non-root user of its own.
    expect(runtime.from).toMatch(/^gcr\.io\/distroless\/nodejs(22|24)-debian\d+:nonroot$/);
    const nodeModules = runtime.lines.find((l) => /^COPY\s.*node_modules/.test(l))!;
    const source = /--from=(\S+)/.exec(nodeModules)![1];
    const deps = stages.find((s) => s.name === source)!;
    expect(deps.lines.some((l) => /npm ci .*--omit=dev/.test(l))).toBe(true);
  });

  it('runs as a non-root user and bakes in no secret', () => {
    const user = runtime.lines.filter((l) => /^USER\s/i.test(l)).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/);
    for (const name of Object.keys(imageEnv)) {
      expect(KNOWN.has(name)).toBe(true);
      expect(name).not.toMatch(/SECRET|PASSWORD|MONGO_URI/);
    }
  });

  it('starts the app chosen by APP, and every app has its bundle', () => {
    // Exec form only (the runtime has no shell): node runs scripts/start-app.js, which loads dist/apps/$APP/main.js.
    expect(runtime.lines.find((l) => /^ENTRYPOINT\s/i.test(l))).toBe('ENTRYPOINT ["/nodejs/bin/node"]');
    expect(runtime.lines.find((l) => /^CMD\s/i.test(l))).toBe('CMD ["scripts/start-app.js"]');
    expect(runtime.lines.some((l) => /^COPY .*scripts\/start-app\.js/.test(l))).toBe(true);
    expect(read('scripts/start-app.js')).toContain('dist/apps/${app}/main.js');
    for (const app of APPS) expect(read('scripts/start-app.js')).toContain(`'${app}'`);
    const wrong = spawnSync(process.execPath, ['scripts/start-app.js'], { cwd: ROOT, env: { APP: 'nope' }, encoding: 'utf8' });
    expect([wrong.status, wrong.stderr]).toEqual([64, "APP must be one of gateway, auth, user, movie, recommendation (got 'nope')\n"]);
    expect(APPS).toContain(imageEnv.APP);
    for (const app of APPS) expect(existsSync(join(ROOT, 'dist', 'apps', app, 'main.js'))).toBe(true);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', '.git', '.env', 'data']) expect(ignored).toContain(entry);
    expect(ignored).not.toContain('scripts');
  });

  it('checks health on the port each app really serves', () => {
    const check = runtime.lines.find((l) => /^HEALTHCHECK\s/i.test(l))!;
    expect(check).toMatch(/CMD \["\/nodejs\/bin\/node", "scripts\/healthcheck.js"\]/);
    expect(runtime.lines.some((l) => /^COPY scripts\/healthcheck\.js/.test(l))).toBe(true);
    for (const app of APPS) {
      const env = { ...imageEnv, APP: app, ...OPERATOR_VALUES };
      expect(healthcheckUrl(env)).toBe(`http://127.0.0.1:${healthPort(app, configFor(env))}/health/ready`);
    }
    // A moved port is followed.
    const moved = { ...imageEnv, APP: 'movie', SERVICES_MOVIE_HEALTH_PORT: '9999', ...OPERATOR_VALUES };
    expect(healthcheckUrl(moved)).toBe('http://127.0.0.1:9999/health/ready');
  });
});

describe('packaging: docker-compose.yml', () => {
  // Compose files use YAML merge keys (<<: *app).
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Tree;
  const services = compose.services as Record<string, Tree>;
  const { stages } = parseDockerfile(read('Dockerfile'));
  const imageEnv = dockerEnv(stages[stages.length - 1].lines);
  const envOf = (name: string): Record<string, string> =>
    Object.fromEntries(Object.entries((services[name].environment ?? {}) as Tree).map(([k, v]) => [k, interpolate(v, k)]));
  const appContainers = Object.keys(services).filter((name) => envOf(name).APP);

  it('runs MongoDB 7+ with a volume and a health check', () => {
    expect(services.mongo.image).toMatch(/^mongo:([7-9]|\d{2,})/);
    expect(services.mongo.volumes.some((v: string) => v.endsWith(':/data/db'))).toBe(true);
    expect(Object.keys(compose.volumes)).toContain(services.mongo.volumes[0].split(':')[0]);
    expect(services.mongo.healthcheck.test.join(' ')).toContain('ping');
  });

  it('gives every app its own container from the one image, split mode, two movie instances', () => {
    const apps = appContainers.map((name) => envOf(name).APP);
    expect([...new Set(apps)].sort()).toEqual([...APPS].sort());
    expect(apps.filter((a) => a === 'movie')).toHaveLength(2);
    for (const name of appContainers) {
      expect(services[name].image).toBe(services.gateway.image);
      expect(envOf(name).MODE).toBe('split');
      expect(services[name].healthcheck?.disable).not.toBe(true);
    }
  });

  it('sets only configuration names the apps know', () => {
    for (const name of appContainers)
      for (const key of Object.keys(envOf(name))) expect([name, key, KNOWN.has(key)]).toEqual([name, key, true]);
  });

  it('health-checks each app on the port it serves, and starts it only after its dependencies are healthy', () => {
    for (const name of appContainers) {
      const env = { ...imageEnv, ...envOf(name) };
      const app = env.APP as App;
      const config = configFor(env);
      expect(healthcheckUrl(env)).toBe(`http://127.0.0.1:${healthPort(app, config)}/health/ready`);
      const deps = services[name].depends_on as Record<string, { condition: string; required?: boolean }>;
      expect(deps.mongo.condition).toBe('service_healthy');
      for (const [dep, rule] of Object.entries(deps)) {
        expect(rule.condition).toBe('service_healthy');
        if (rule.required !== false) expect(services[dep]).toBeDefined();
      }
    }
    expect(Object.keys(services.gateway.depends_on)).toEqual(expect.arrayContaining(appContainers.filter((n) => n !== 'gateway')));
  });

  it('finds instances through the NATS registry: each container announces its own address, movie weighted 3:1', () => {
    for (const name of appContainers) {
      const config = configFor({ ...imageEnv, ...envOf(name) });
      expect([name, config.registry.mode]).toEqual([name, 'nats']);
      // No fixed address list to go stale: instances come and go through the registry.
      for (const service of SERVICE_NAMES) expect(config.services[service].instances).toBe('');
      const app = envOf(name).APP;
      if (app !== 'gateway') {
        // Listening on every interface, with no advertiseHost: the instance announces its container's own address.
        expect(config.services[app as (typeof SERVICE_NAMES)[number]].bindHost).toBe('0.0.0.0');
        expect(config.services[app as (typeof SERVICE_NAMES)[number]].advertiseHost).toBe('');
      }
    }
    const weight = (name: string) => configFor({ ...imageEnv, ...envOf(name) }).services.movie.weight;
    expect([weight('movie-1'), weight('movie-2')]).toEqual([3, 1]);
  });

  it('publishes only the gateway, on its HTTP port', () => {
    for (const name of Object.keys(services)) if (name !== 'gateway') expect(services[name].ports).toBeUndefined();
    const config = configFor({ ...imageEnv, ...envOf('gateway') });
    expect(services.gateway.ports).toHaveLength(1);
    expect(Number(interpolate(services.gateway.ports[0], 'ports').split(':').pop())).toBe(config.http.port);
  });

  it('runs NATS for the registry, and TRANSPORT=nats sends the calls over it too', () => {
    expect(services.nats.profiles).toBeUndefined();
    expect(services.nats.image).toMatch(/^nats:/);
    const natsPort = String(services.nats.healthcheck.test.join(' ')).match(/:(\d+)\/healthz/)![1];
    expect(services.nats.command.join(' ')).toContain(natsPort);
    for (const name of appContainers) {
      const raw = (services[name].environment as Tree).TRANSPORT as string;
      expect(raw).toBe('${TRANSPORT:-tcp}');
      expect(configFor({ ...imageEnv, ...envOf(name) }).nats.url).toBe('nats://nats:4222');
      expect(services[name].depends_on.nats).toEqual({ condition: 'service_healthy' });
    }
  });
});

describe('packaging: Kubernetes manifests', () => {
  const dir = join(ROOT, 'deploy', 'k8s');
  const files = (function walk(d: string): string[] {
    return readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  })(dir).filter((f) => /\.ya?ml$/.test(f));
  const docs = files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).map((d) => ({ file: relative(dir, file), doc: d.toJS() as Tree })),
  );
  const ofKind = (kind: string) => docs.filter((d) => d.doc?.kind === kind).map((d) => d.doc);
  const configMaps = ofKind('ConfigMap');
  const secrets = ofKind('Secret');
  const deployments = ofKind('Deployment');
  const k8sServices = ofKind('Service');

  function containerEnv(container: Tree): Record<string, string> {
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, configMaps.find((c) => c.metadata.name === from.configMapRef.name)!.data);
      if (from.secretRef) Object.assign(env, secrets.find((s) => s.metadata.name === from.secretRef.name)!.stringData);
    }
    for (const e of container.env ?? []) env[e.name] = String(e.value);
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  }

  it('parses every manifest, and the kustomizations list every resource that exists', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const k of docs.filter((d) => d.file.endsWith('kustomization.yaml'))) {
      const base = join(dir, k.file, '..');
      for (const resource of k.doc.resources as string[]) expect(existsSync(join(base, resource))).toBe(true);
    }
    const listed = (parse(readFileSync(join(dir, 'base', 'kustomization.yaml'), 'utf8')) as Tree).resources as string[];
    const baseFiles = readdirSync(join(dir, 'base')).filter((f) => f !== 'kustomization.yaml');
    expect([...listed].sort()).toEqual(baseFiles.sort());
    const overlay = parse(readFileSync(join(dir, 'overlays', 'single-namespace', 'kustomization.yaml'), 'utf8')) as Tree;
    expect(overlay.namespace).toBeTruthy();
    expect(overlay.resources).toContain('../../base');
  });

  it('has a Deployment and a Service for every app, from the one image', () => {
    for (const app of APPS) {
      const deployment = deployments.find((d) => d.metadata.name === app);
      expect(deployment).toBeDefined();
      const [container] = deployment!.spec.template.spec.containers;
      expect(containerEnv(container).APP).toBe(app);
      expect(container.image.split(':')[0]).toBe('movie-platform');
      expect(k8sServices.find((s) => s.metadata.name === app)).toBeDefined();
    }
  });

  it('sets only configuration names the apps know, and keeps secrets in the Secret', () => {
    for (const doc of [...configMaps, ...secrets]) {
      for (const key of Object.keys(doc.data ?? doc.stringData ?? {})) expect([key, KNOWN.has(key)]).toEqual([key, true]);
    }
    for (const d of deployments) for (const e of d.spec.template.spec.containers[0].env ?? []) expect(KNOWN.has(e.name)).toBe(true);
    for (const key of Object.keys(configMaps[0].data)) expect(key).not.toMatch(/SECRET|PASSWORD|MONGO_URI/);
    expect(Object.keys(secrets[0].stringData).sort()).toEqual(['ADMIN_PASSWORD', 'JWT_SECRET', 'MONGO_URI', 'SERVICE_SECRET']);
    // No secret value is committed: the operator provides them.
    for (const key of ['ADMIN_PASSWORD', 'JWT_SECRET', 'SERVICE_SECRET']) expect(secrets[0].stringData[key]).toBe('');
    expect(secrets[0].stringData.MONGO_URI).toMatch(/replicaSet=.*w=majority|w=majority.*replicaSet=/);
  });

  it('probes liveness, readiness and start-up on the health paths and ports each app serves', () => {
    for (const app of APPS) {
      const deployment = deployments.find((d) => d.metadata.name === app)!;
      const container = deployment.spec.template.spec.containers[0];
      const config = configFor(containerEnv(container));
      const ports = new Map<string, number>((container.ports as Tree[]).map((p) => [p.name, p.containerPort]));
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const http = container[probe]?.httpGet;
        expect([app, probe, !!http]).toEqual([app, probe, true]);
        expect(HEALTH_PATHS).toContain(http.path);
        const port = typeof http.port === 'number' ? http.port : ports.get(http.port);
        expect([app, probe, port]).toEqual([app, probe, healthPort(app, config)]);
      }
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.resources.requests).toBeDefined();
      expect(container.resources.limits).toBeDefined();
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      // The pod is given longer than the drain timeout to stop.
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.shutdown.drainTimeoutMs);
      // Where other apps reach it: its Service, on the port it listens on, bound to every interface.
      const service = k8sServices.find((s) => s.metadata.name === app)!;
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      const target = service.spec.ports[0].targetPort;
      expect(typeof target === 'number' ? target : ports.get(target)).toBe(trafficPort(app, config));
      if (app !== 'gateway') {
        expect(config.services[app].host).toBe(app);
        expect(config.services[app].bindHost).toBe('0.0.0.0');
        expect(config.services[app].instances).toBe('');
      }
    }
  });

  it('autoscales the movie service', () => {
    const hpa = ofKind('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === 'movie');
    expect(hpa).toBeDefined();
    expect(hpa!.spec.scaleTargetRef.kind).toBe('Deployment');
    expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
    expect(deployments.find((d) => d.metadata.name === 'movie')!.spec.replicas).toBeUndefined();
  });
});

describe('packaging: kustomize build', () => {
  // Rendered by kustomize itself (built from its Go module into ~/.cache/movie-platform): what
  // `kubectl apply -k` would send, not the files as written.
  const unavailable = goToolUnavailable('kustomize');
  if (unavailable) process.stderr.write(`\n[packaging.e2e-spec] SKIPPED kustomize build: ${unavailable}\n`);
  let kustomize = '';
  const render = (dir: string): Tree[] =>
    parseAllDocuments(execFileSync(kustomize, ['build', join(ROOT, 'deploy', 'k8s', dir)], { encoding: 'utf8' }))
      .map((d) => d.toJS() as Tree)
      .filter(Boolean);

  (unavailable ? it.skip : it)(
    'renders the base and the overlay; every Deployment has probes, requests and limits, a non-root user and a read-only root',
    async () => {
      kustomize = await goTool('kustomize');
      const base = render('base');
      const overlay = render('overlays/single-namespace');
      expect(
        overlay
          .filter((d) => d.kind !== 'Namespace')
          .map((d) => `${d.kind}/${d.metadata.name}`)
          .sort(),
      ).toEqual(base.map((d) => `${d.kind}/${d.metadata.name}`).sort());
      const namespace = overlay.find((d) => d.kind === 'Namespace')!.metadata.name;
      for (const d of overlay.filter((d) => d.kind !== 'Namespace'))
        expect([d.kind, d.metadata.name, d.metadata.namespace]).toEqual([d.kind, d.metadata.name, namespace]);
      const deployments = overlay.filter((d) => d.kind === 'Deployment');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...APPS].sort());
      for (const d of deployments) {
        const pod = d.spec.template.spec;
        for (const c of pod.containers as Tree[]) {
          const where = `${d.metadata.name}/${c.name}`;
          const facts = {
            probes: ['startupProbe', 'livenessProbe', 'readinessProbe'].filter((p) => c[p]?.httpGet?.path?.startsWith('/health/')),
            requests: Object.keys(c.resources?.requests ?? {}).sort(),
            limits: Object.keys(c.resources?.limits ?? {}).sort(),
            runAsNonRoot: c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot,
            runAsUser: c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser,
            readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem,
            allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation,
          };
          expect([where, facts]).toEqual([
            where,
            {
              probes: ['startupProbe', 'livenessProbe', 'readinessProbe'],
              requests: ['cpu', 'memory'],
              limits: ['cpu', 'memory'],
              runAsNonRoot: true,
              runAsUser: expect.any(Number),
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
            },
          ]);
          expect(facts.runAsUser).toBeGreaterThan(0);
          // The overlay's image, not the base's placeholder.
          expect(c.image).toBe('registry.example.com/movie-platform:1.0.0');
        }
      }
    },
    // The first run on a machine builds kustomize (minutes).
    15 * 60_000,
  );

  (unavailable ? it.skip : it)(
    'network policies let through only the calls the architecture has, DNS, the event engine, and the database for the services',
    async () => {
      kustomize ||= await goTool('kustomize');
      const rendered = render('overlays/single-namespace');
      const policies = rendered.filter((d) => d.kind === 'NetworkPolicy');
      const deployments = rendered.filter((d) => d.kind === 'Deployment');
      const labelsOf = (app: string) =>
        deployments.find((d) => d.metadata.name === app)!.spec.template.metadata.labels as Record<string, string>;
      const selects = (selector: Tree | undefined, labels: Record<string, string>) =>
        Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
      const portOf = (app: string) => {
        const config = configFor({ NODE_ENV: 'production', ...OPERATOR_VALUES });
        return app === 'gateway' ? config.http.port : config.services[app as (typeof SERVICE_NAMES)[number]].port;
      };
      const portAllowed = (rule: Tree, port: number, protocol = 'TCP') =>
        !rule.ports || (rule.ports as Tree[]).some((p) => p.port === port && (p.protocol ?? 'TCP') === protocol);
      // A pod in the namespace, as a peer: a podSelector alone (no namespaceSelector, no ipBlock) matches it.
      const peerMatches = (rule: Tree, labels: Record<string, string> | 'outside') =>
        !rule.from && !rule.to
          ? true
          : ((rule.from ?? rule.to) as Tree[]).some((peer) =>
              labels === 'outside' ? !!peer.ipBlock : !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector, labels),
            );
      const applying = (labels: Record<string, string>, type: 'Ingress' | 'Egress') =>
        policies.filter((p) => selects(p.spec.podSelector, labels) && (p.spec.policyTypes as string[]).includes(type));
      const egressOk = (from: string, to: Record<string, string> | 'outside', port: number, protocol = 'TCP') => {
        const list = applying(labelsOf(from), 'Egress');
        return (
          list.length === 0 ||
          list.some((p) => (p.spec.egress ?? []).some((r: Tree) => portAllowed(r, port, protocol) && peerMatches(r, to)))
        );
      };
      const ingressOk = (to: string, from: Record<string, string> | 'outside', port: number) => {
        const list = applying(labelsOf(to), 'Ingress');
        return (
          list.length === 0 || list.some((p) => (p.spec.ingress ?? []).some((r: Tree) => portAllowed(r, port) && peerMatches(r, from)))
        );
      };
      // Every app is selected by a policy that denies by default in both directions.
      for (const app of APPS) {
        expect([app, applying(labelsOf(app), 'Ingress').length > 0, applying(labelsOf(app), 'Egress').length > 0]).toEqual([
          app,
          true,
          true,
        ]);
      }
      const allowed: string[] = [];
      for (const from of APPS) {
        for (const to of APPS) {
          if (from === to) continue;
          const port = portOf(to);
          if (egressOk(from, labelsOf(to), port) && ingressOk(to, labelsOf(from), port)) allowed.push(`${from}->${to}`);
        }
      }
      expect(allowed.sort()).toEqual(
        ['gateway->auth', 'gateway->user', 'gateway->movie', 'gateway->recommendation', 'auth->user', 'recommendation->movie'].sort(),
      );
      // Nobody outside reaches a service's transport port; everyone reaches the gateway's HTTP port.
      for (const app of SERVICE_NAMES) expect([app, ingressOk(app, {}, portOf(app))]).toEqual([app, false]);
      expect(ingressOk('gateway', {}, portOf('gateway'))).toBe(true);
      // DNS and the event engine for every app (kube-dns in kube-system); the database for the services only.
      const dns = { 'k8s-app': 'kube-dns' };
      for (const app of APPS) {
        const dnsRules = applying(labelsOf(app), 'Egress').flatMap((p) => (p.spec.egress ?? []) as Tree[]);
        const resolves = dnsRules.some(
          (r) =>
            portAllowed(r, 53, 'UDP') &&
            ((r.to ?? []) as Tree[]).some(
              (peer) =>
                peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system' && selects(peer.podSelector, dns),
            ),
        );
        expect([app, resolves]).toEqual([app, true]);
        expect([app, egressOk(app, 'outside', 27017)]).toEqual([app, app !== 'gateway']);
        // Revocations, security events and catalog and rating changes travel on NATS JetStream.
        expect([app, egressOk(app, 'outside', 4222)]).toEqual([app, true]);
      }
    },
    15 * 60_000,
  );
});
