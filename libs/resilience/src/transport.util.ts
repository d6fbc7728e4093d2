import { readFileSync } from 'node:fs';
import type { Msg } from '@nats-io/transport-node';
import { ClientProxyFactory, CustomStrategy, ServerTCP, Transport } from '@nestjs/microservices';
// Nest's NATS packet writer (what ClientNats uses by default); not re-exported from the package's root.
import { NatsRecordSerializer } from '@nestjs/microservices/serializers/nats-record.serializer.js';
import type { AppConfig, ServiceName } from '@app/config';
import { requestOver, type RpcClient } from './instance.client';
import type { InstanceSpec } from './instances.util';
import { InProcessClient, isInProcess, registerInProcessServer } from './in-process.transport';
import { PrefixedClientNats, PrefixedServerNats } from './nats.transport';
import { ServiceCredential, SigningSerializer, VerifyingDeserializer } from './service-auth.guard';

/** NATS queue group shared by every instance of one service: NATS balances between them. */
function natsQueue(service: ServiceName): string {
  return `${service}-service`;
}

const credentials = new Map<string, ServiceCredential>();

/** One credential (and so one replay memory) per secret in a process, shared by every client and server in it. */
function serviceCredential(config: AppConfig): ServiceCredential {
  const { secret, maxSkewMs } = config.serviceAuth;
  if (!secret) {
    throw new Error(
      'SERVICE_SECRET is not set: every process of a deployment signs its messages to the others with it (32+ random characters, the same everywhere); `npm start` and `npm run start:split` generate one',
    );
  }
  const key = `${maxSkewMs}:${secret}`;
  let credential = credentials.get(key);
  if (!credential) credentials.set(key, (credential = new ServiceCredential(secret, maxSkewMs)));
  return credential;
}

interface TlsMaterial {
  ca?: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** The PEM files of SERVICE_TLS_*, read once per process; undefined while TLS is off. */
function tlsMaterial(config: AppConfig): TlsMaterial | undefined {
  const tls = config.serviceTls;
  if (!tls.enabled) return undefined;
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`Cannot read ${path} (serviceTls): ${(err as Error).message}`, { cause: err });
    }
  };
  return { ca: tls.caFile ? read(tls.caFile) : undefined, cert: read(tls.certFile), key: read(tls.keyFile) };
}

/**
 * nats.js TLS options: a `tls://` NATS_URL asks for TLS to the NATS server, with the SERVICE_TLS_* files (when set) as
 * the CA to trust and the client certificate to show. A plain `nats://` URL stays plain whatever SERVICE_TLS_ENABLED
 * says, so that TLS on the TCP transport never breaks a local NATS registry.
 */
export function natsTlsOptions(config: AppConfig): { tls?: { caFile?: string; certFile?: string; keyFile?: string } } {
  if (!config.nats.url.startsWith('tls://')) return {};
  const { caFile, certFile, keyFile } = config.serviceTls;
  return { tls: { ...(caFile ? { caFile } : {}), ...(certFile && keyFile ? { certFile, keyFile } : {}) } };
}

export function serverOptions(config: AppConfig, service: ServiceName, port: number): CustomStrategy & { strategy: ServerTCP | PrefixedServerNats } {
  const credential = serviceCredential(config);
  if (config.transport === 'nats') {
    return {
      strategy: new PrefixedServerNats(
        {
          servers: [config.nats.url],
          queue: natsQueue(service),
          deserializer: new VerifyingDeserializer(credential, (msg) => (msg as Msg).json()),
          ...natsTlsOptions(config),
        },
        config.nats.subjectPrefix,
      ),
    };
  }
  const tls = tlsMaterial(config);
  const server = new ServerTCP({
    host: config.services[service].bindHost,
    port,
    deserializer: new VerifyingDeserializer(credential),
    // With a CA, only clients holding a certificate it signed may even connect (mutual TLS).
    ...(tls ? { tlsOptions: { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: !!tls.ca, rejectUnauthorized: !!tls.ca } } : {}),
  });
  if (config.serviceAuth.inProcess) {
    // Callers in this process reach it by any name of this host; the registration ends with the server.
    const unregister = [config.services[service].host, '127.0.0.1', 'localhost'].map((host) => registerInProcessServer(host, port, server));
    const close = server.close.bind(server);
    server.close = () => {
      unregister.forEach((off) => off());
      return close();
    };
  }
  return { strategy: server };
}

/**
 * A TCP instance that may run in this process: while its server is registered here, calls go to it in process;
 * otherwise (split mode, another host, before it started) over TCP as always. One map lookup per call decides.
 */
class PreferInProcess implements RpcClient {
  private readonly local: InProcessClient;

  constructor(
    private readonly instance: InstanceSpec,
    private readonly tcp: RpcClient,
  ) {
    this.local = new InProcessClient(instance.host, instance.port);
  }

  send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput) {
    return isInProcess(this.instance.host, this.instance.port) ? this.local.send<TResult, TInput>(pattern, data) : this.tcp.send<TResult, TInput>(pattern, data);
  }

  request<T>(pattern: string, data: unknown, onAbandon: (abandon: () => void) => void): Promise<T> {
    return isInProcess(this.instance.host, this.instance.port) ? this.local.request<T>(pattern, data) : requestOver(this.tcp, pattern, data, onAbandon);
  }

  close(): unknown {
    return this.tcp.close() as unknown;
  }
}

export function createProxy(config: AppConfig, instance: InstanceSpec | undefined): RpcClient {
  const credential = serviceCredential(config);
  if (config.transport === 'nats' || !instance) {
    return new PrefixedClientNats(
      {
        servers: [config.nats.url],
        name: 'movie-platform-client',
        serializer: new SigningSerializer(credential, new NatsRecordSerializer()),
        ...natsTlsOptions(config),
      },
      config.nats.subjectPrefix,
    );
  }
  const tls = tlsMaterial(config);
  const tcp = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: {
      host: instance.host,
      port: instance.port,
      serializer: new SigningSerializer(credential),
      ...(tls ? { tlsOptions: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {}),
    },
  });
  return config.serviceAuth.inProcess ? new PreferInProcess(instance, tcp) : tcp;
}
