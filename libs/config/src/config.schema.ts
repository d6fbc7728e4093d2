import { z } from 'zod';

const SERVICE_SECRET_MIN = 32;

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

const resilienceSchema = z.object({
  callTimeoutMs: positiveInt,
  breaker: z.enum(['consecutive', 'sampling']),
  maxFailures: positiveInt,
  samplingThreshold: z.number().gt(0).lt(1),
  samplingDurationMs: positiveInt,
  samplingMinimumRps: z.number().positive(),
  resetTimeoutMs: positiveInt,
  resetBackoffFactor: z.number().min(1),
  resetTimeoutMaxMs: positiveInt,
  maxConcurrent: positiveInt,
  maxQueue: z.number().int().min(0),
  retryAttempts: z.number().int().min(0).max(10),
  retryDelayMs: z.number().int().min(0),
});

const serviceSchema = z.object({
  host: z.string().min(1),
  port,
  healthPort: port,
  instances: z.string().regex(/^$|^[^:,\s]+:\d{1,5}(:\d+)?(,[^:,\s]+:\d{1,5}(:\d+)?)*$/, {
    message: 'expected host:port[:weight],...',
  }),
  /** Per-service overrides of the `resilience` defaults (YAML only), e.g. a longer timeout for one slow service. */
  resilience: resilienceSchema.partial().optional(),
  bindHost: z.string().min(1),
  /** This instance's weight, announced to the registry (REGISTRY=nats). */
  weight: positiveInt,
  /** Where callers reach this instance, announced to the registry; empty: `host`. */
  advertiseHost: z.string(),
  /** REGISTRY=dns: the headless Service whose A/SRV records list the instances. */
  dnsName: z.string(),
});

export const configSchema = z
  .object({
    env: z.string(),
    mode: z.enum(['single', 'split']),
    transport: z.enum(['tcp', 'nats']),
    http: z.object({
      host: z.string().min(1),
      port,
      bodyLimitBytes: positiveInt,
      corsOrigins: z.string(),
    }),
    log: z.object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      console: z.boolean(),
      pretty: z.boolean(),
      file: z.object({
        enabled: z.boolean(),
        path: z.string().min(1),
        maxSizeMb: z.number().positive(),
        maxBackups: z.number().int().min(0),
        maxAgeDays: z.number().positive(),
      }),
    }),
    mongo: z.object({
      uri: z.string(),
      user: z.string(),
      password: z.string(),
      dbPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    }),
    dataDir: z.string().min(1),
    embeddedDb: z.object({
      engine: z.enum(['auto', 'ferretdb', 'memory-server']),
      cacheDir: z.string(),
    }),
    jwt: z.object({
      secret: z.string(),
      issuer: z.string().min(1),
      accessTtlSec: positiveInt,
      refreshTtlDays: positiveInt,
    }),
    nats: z.object({
      url: z.string().min(1),
      subjectPrefix: z
        .string()
        .regex(/^$|^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.$/, { message: "expected '' or dot-separated words ending in '.'" }),
    }),
    registry: z.object({
      mode: z.enum(['static', 'nats', 'dns']),
      pollMs: positiveInt,
      expireMs: positiveInt,
      leaveGraceMs: z.number().int().min(0),
      dnsServer: z.string().regex(/^$|^[^\s:]+(:\d{1,5})?$/, { message: 'expected host[:port] or empty' }),
    }),
    services: z.object({
      auth: serviceSchema,
      user: serviceSchema,
      movie: serviceSchema,
      recommendation: serviceSchema,
    }),
    resilience: resilienceSchema,
    auth: z.object({
      registration: z.boolean(),
      loginIpLimit: positiveInt,
      loginIpWindowSec: positiveInt,
      /** Failed logins per account and client address before the growing delays start (auth service). */
      failedLoginLimit: positiveInt,
      /** Failed logins per client address, over every account, before the growing delays start. */
      failedLoginClientLimit: positiveInt,
      /** The first delay past a limit; each further failure doubles it, up to failedLoginWindowSec. */
      failedLoginBaseDelaySec: positiveInt,
      failedLoginWindowSec: positiveInt,
    }),
    user: z.object({ adminPassword: z.string() }),
    recommendation: z.object({
      rebuildIntervalSec: z.number().int().min(0),
      neighbours: positiveInt,
    }),
    demoData: z.enum(['auto', 'true', 'false']),
    catalogCache: z.object({
      enabled: z.boolean(),
      maxMb: z.number().positive(),
      stalenessMs: positiveInt,
      pollMs: positiveInt,
    }),
    shutdown: z.object({
      drainTimeoutMs: z.number().int().min(0),
      /** After a signal the gateway keeps accepting (readiness already 503) this long before it closes its listener. */
      graceMs: z.number().int().min(0).max(60_000),
    }),
    metrics: z.object({
      /** A separate port serving /metrics without a token (0: none; the public port serves it to admins only). */
      port,
      host: z.string().min(1),
    }),
    tracing: z.object({
      /** TRACING_ENABLED: spans for every request; also on when an OTLP endpoint is set in the standard OTEL_* variables. */
      enabled: z.boolean(),
      /** The gateway's in-memory buffer keeps requests that took at least this long. */
      slowMs: z.number().int().min(0),
      keep: z.number().int().min(1).max(1000),
    }),
    events: z.object({
      /** EVENTS_ENGINE: how changes travel between services; `auto`: `memory` for `npm start` and seed, else `jetstream`. */
      engine: z.enum(['auto', 'memory', 'jetstream']),
    }),
    serviceAuth: z.object({
      /** SERVICE_SECRET: signs every message between services (HMAC-SHA256); empty: generated where one process owns the deployment. */
      secret: z.string().refine((s) => s === '' || s.length >= SERVICE_SECRET_MIN, {
        message: `must be at least ${SERVICE_SECRET_MIN} characters`,
      }),
      maxSkewMs: z.number().int().min(1000).max(300_000),
      /**
       * SERVICE_AUTH_IN_PROCESS: calls to a TCP service whose server runs in this process go to it directly (Nest's
       * dispatch, no socket, no per-message credential: the message never leaves the process). Off: over loopback TCP.
       */
      inProcess: z.boolean(),
    }),
    serviceTls: z.object({
      /** TLS on the Nest TCP transport between services (mutual when caFile is set); NATS: tls to the NATS server. */
      enabled: z.boolean(),
      caFile: z.string(),
      certFile: z.string(),
      keyFile: z.string(),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.serviceTls.enabled) {
      for (const key of ['certFile', 'keyFile'] as const) {
        if (!c.serviceTls[key])
          ctx.addIssue({ code: 'custom', path: ['serviceTls', key], message: 'is needed when serviceTls.enabled is true' });
      }
    }
    if (c.catalogCache.pollMs * 2 > c.catalogCache.stalenessMs) {
      ctx.addIssue({ code: 'custom', path: ['catalogCache', 'pollMs'], message: 'must be at most half of catalogCache.stalenessMs' });
    }
    if (c.env !== 'production') return;
    if (c.jwt.secret.length < 32) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwt', 'secret'],
        message: 'must be set to at least 32 characters in production',
      });
    }
    if (c.jwt.secret === DEV_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['jwt', 'secret'], message: 'the development default is refused in production' });
    }
    if (!c.serviceAuth.secret) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceAuth', 'secret'],
        message: `SERVICE_SECRET must be set (${SERVICE_SECRET_MIN}+ random characters, the same for every process) in production`,
      });
    }
    const adminPassword = c.user.adminPassword;
    if (!adminPassword) {
      ctx.addIssue({ code: 'custom', path: ['user', 'adminPassword'], message: 'ADMIN_PASSWORD must be set in production' });
    } else if (adminPassword.length < ADMIN_PASSWORD_MIN || adminPassword.toLowerCase() === ADMIN_USERNAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['user', 'adminPassword'],
        message: `ADMIN_PASSWORD must have at least ${ADMIN_PASSWORD_MIN} characters and must not be the username ('${ADMIN_USERNAME}') in production`,
      });
    }
  });

/** The first account's name, and the shortest admin password production accepts. */
const ADMIN_USERNAME = 'admin';
const ADMIN_PASSWORD_MIN = 12;

export const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me-0123456789';

export type AppConfig = z.infer<typeof configSchema>;
export type ServiceName = keyof AppConfig['services'];
export const SERVICE_NAMES: readonly ServiceName[] = ['auth', 'user', 'movie', 'recommendation'];
