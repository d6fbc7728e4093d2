import { Logger } from '@nestjs/common';
import { networkInterfaces } from 'node:os';
import { Service, Svcm } from '@nats-io/services';
import { connect, NatsConnection } from '@nats-io/transport-node';
import type { AppConfig, ServiceName } from '@app/config';
import { DiscoveryListener, DiscoverySource, RegistryRecord, validateRecord } from './discovery.types';
import { natsTlsOptions } from './transport.util';

/**
 * REGISTRY=nats: instances announce themselves with the NATS service API (the `$SRV` protocol that
 * `nats micro ls` speaks) and callers find them by pinging `$SRV.PING`. NATS is the engine; nothing here stores state.
 */

/** The NATS service name of one of our services; the subject prefix keeps systems that share a NATS server apart. */
export function natsServiceName(subjectPrefix: string, service: ServiceName): string {
  return `${subjectPrefix.replace(/\./g, '-')}${service}`;
}

/** A stopping instance says so on this subject, so that callers drop it before it stops listening. */
function leaveSubject(subjectPrefix: string): string {
  return `${subjectPrefix}registry.leave`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function connectInBackground(config: AppConfig, name: string): Promise<NatsConnection> {
  // waitOnFirstConnect: a registry that is down at start-up is retried like one that goes away later.
  return connect({
    servers: [config.nats.url],
    name,
    waitOnFirstConnect: true,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    ...natsTlsOptions(config),
  });
}

/** What callers see of an instance in `$SRV.PING` answers: the identity plus our metadata. */
interface PingAnswer {
  name?: string;
  id?: string;
  version?: string;
  metadata?: Record<string, string>;
}

export class NatsDiscovery implements DiscoverySource {
  readonly kind = 'nats' as const;
  private readonly logger = new Logger('Registry:nats');
  private nc?: NatsConnection;
  /** Between a disconnect and the reconnect, requests go nowhere: an empty answer then means nothing. */
  private connected = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly services: readonly ServiceName[],
  ) {}

  async start(listener: DiscoveryListener, firstAnswerWithinMs: number): Promise<void> {
    const connecting = connectInBackground(this.config, 'registry-discovery').then((nc) => {
      if (this.stopped) return void nc.close();
      this.nc = nc;
      this.connected = true;
      void (async () => {
        for await (const s of nc.status()) {
          if (s.type === 'disconnect') this.connected = false;
          else if (s.type === 'reconnect') this.connected = true;
        }
      })();
      nc.subscribe(leaveSubject(this.config.nats.subjectPrefix), {
        callback: (err, msg) => {
          if (err) return;
          // Anyone on the NATS server can publish here: a message that is not our JSON is dropped, never thrown into
          // the client's reader (which would stop this connection, and with it discovery).
          let body: { id?: unknown } | null;
          try {
            body = msg.json<{ id?: unknown } | null>();
          } catch {
            return;
          }
          if (typeof body?.id === 'string') listener.left(body.id);
        },
      });
    });
    connecting.catch((err: Error) => listener.unreachable(err.message));
    let first!: () => void;
    const answered = new Promise<void>((r) => (first = r));
    const poll = async () => {
      try {
        if (!this.nc || this.nc.isClosed() || !this.connected) throw new Error(`cannot reach NATS at ${this.config.nats.url}`);
        const records = await this.ping(this.nc);
        if (!this.connected) throw new Error(`lost NATS at ${this.config.nats.url}`);
        listener.seen(records);
        first();
      } catch (err) {
        listener.unreachable((err as Error).message);
      } finally {
        if (!this.stopped) this.timer = setTimeout(() => void poll(), this.config.registry.pollMs);
      }
    };
    void connecting.then(
      () => poll(),
      () => undefined,
    );
    // Until connected, say so on the poll clock too (the listener logs only the first time).
    this.timer = setTimeout(() => {
      if (!this.nc) listener.unreachable(`cannot reach NATS at ${this.config.nats.url}`);
    }, firstAnswerWithinMs);
    await Promise.race([answered, new Promise((r) => setTimeout(r, firstAnswerWithinMs).unref())]);
  }

  /** One round of `$SRV.PING`: every instance of our services that answers within the wait. */
  private async ping(nc: NatsConnection): Promise<RegistryRecord[]> {
    const names = new Map(this.services.map((s) => [natsServiceName(this.config.nats.subjectPrefix, s), s]));
    const maxWait = Math.max(100, Math.min(300, Math.floor(this.config.registry.pollMs / 2)));
    const records: RegistryRecord[] = [];
    try {
      const answers = await new Svcm(nc).client({ strategy: 'timer', maxWait }).ping();
      for await (const raw of answers) {
        const answer = raw as PingAnswer;
        if (!answer.name || !names.has(answer.name)) continue; // another system's service, or not one of ours
        const meta = answer.metadata ?? {};
        const record = validateRecord(
          {
            id: answer.id,
            service: meta.service,
            host: meta.host,
            port: meta.port,
            weight: meta.weight,
            version: answer.version,
            metadata: meta,
          },
          this.services,
        );
        if (typeof record === 'string') this.warnOnce(`${answer.name}/${answer.id}`, record);
        else records.push(record);
      }
    } catch (err) {
      // No service at all on the server (the server answers 503, no responders): a complete, empty answer.
      if (!/503|no responders/i.test(`${(err as { code?: string }).code} ${(err as Error).message}`)) throw err;
    }
    return records;
  }

  private readonly warned = new Set<string>();
  private warnOnce(key: string, reason: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(`ignoring registry record ${key}: ${reason}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.nc?.close();
  }
}

export interface Announcement {
  /** Says the instance is leaving, stops answering discovery, then keeps serving `leaveGraceMs` for calls already on their way. */
  leave(): Promise<void>;
}

interface AnnouncedInstance {
  service: ServiceName;
  instance: string;
  host: string;
  port: number;
  weight: number;
  version: string;
}

/**
 * Where callers reach this instance: `advertiseHost` when set; an instance listening on every interface (a container)
 * announces its own address, so that scaled copies of one container are told apart; otherwise `host`.
 */
export function advertisedHost(config: AppConfig, service: ServiceName): string {
  const own = config.services[service];
  if (own.advertiseHost) return own.advertiseHost;
  if (own.bindHost === '0.0.0.0') {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return own.host;
}

/** semver for the NATS service API; our app version usually is one already. */
function semver(version: string): string {
  return /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(version) ? version : '0.0.0';
}

/** An instance joins the registry: a NATS service with its address and weight as metadata (`nats micro info` shows them). */
export function announceInstance(config: AppConfig, me: AnnouncedInstance): Announcement {
  const logger = new Logger(`Registry:${me.service}`);
  let service: Service | undefined;
  let nc: NatsConnection | undefined;
  let leaving = false;
  const ready = connectInBackground(config, `${me.service}-instance`)
    .then(async (conn) => {
      nc = conn;
      if (leaving) return;
      service = await new Svcm(conn).add({
        name: natsServiceName(config.nats.subjectPrefix, me.service),
        version: semver(me.version),
        description: `movie platform ${me.service} service`,
        metadata: {
          service: me.service,
          instance: me.instance,
          host: me.host,
          port: String(me.port),
          weight: String(me.weight),
          version: me.version,
        },
      });
      logger.log(`announced on NATS as ${service.info().name}/${service.info().id} (${me.host}:${me.port}, weight ${me.weight})`);
    })
    .catch((err: Error) => logger.warn(`cannot announce this instance on NATS: ${err.message}`));
  return {
    leave: async () => {
      leaving = true;
      if (!nc) {
        logger.warn('leaving without having reached NATS: callers drop this instance when its address stops answering');
        return;
      }
      await ready;
      const conn = nc;
      try {
        const id = service?.info().id;
        await service?.stop().catch(() => undefined);
        if (id) conn.publish(leaveSubject(config.nats.subjectPrefix), JSON.stringify({ id, service: me.service }));
        // With NATS away a flush would wait for its return: the shutdown does not.
        await Promise.race([conn.flush(), sleep(1000)]);
        logger.log(`left the registry; still serving for ${config.registry.leaveGraceMs} ms`);
      } catch (err) {
        logger.warn(`could not say goodbye on NATS (${(err as Error).message}): callers drop this instance after registry.expireMs`);
      }
      await sleep(config.registry.leaveGraceMs);
      await conn.close().catch(() => undefined);
    },
  };
}
