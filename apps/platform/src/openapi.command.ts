import { writeFileSync } from 'node:fs';
import { AppConfig } from '@app/config';
import { withServiceSecret } from '@app/runtime';
import { buildOpenApi, createGatewayApp } from '../../gateway/src/gateway.factory';
import { DrainStateService } from '../../gateway/src/health/drain-state.service';

/**
 * Prints (or writes to `file`) the gateway's OpenAPI document. The gateway is created but never listens, and no
 * service or database starts: the clients to the services connect only on their first call.
 */
export async function runOpenApi(loaded: AppConfig, [file]: string[]): Promise<void> {
  // The clients are built but never send: a throwaway secret will do.
  const config = withServiceSecret(loaded);
  const app = await createGatewayApp({ ...config, log: { ...config.log, level: 'silent' } }, new DrainStateService());
  const json = `${JSON.stringify(buildOpenApi(app), null, 2)}\n`;
  await app.close();
  if (file) writeFileSync(file, json);
  else process.stdout.write(json);
}
