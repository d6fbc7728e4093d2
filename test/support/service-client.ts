import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { ServiceCredential, SigningSerializer } from '@app/resilience';

/**
 * A Nest TCP client that talks to one service instance directly, as another service of the deployment would: every
 * message signed with the deployment's SERVICE_SECRET (the one test/support/setup.ts gives every system a suite starts).
 */
export function serviceTcpClient(port: number, secret = process.env.SERVICE_SECRET!): ClientProxy {
  return ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port, serializer: new SigningSerializer(new ServiceCredential(secret, 30_000)) },
  });
}
