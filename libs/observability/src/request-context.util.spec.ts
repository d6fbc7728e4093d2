import { loadConfig } from '@app/config';
import { configureRequestContext, currentRequestId, requestContextCarried, runInRequestContext } from './request-context.util';

const config = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env });
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** The id a request's work sees after an await, run inside `requestId`. */
const seenAfterAwait = (requestId: string) =>
  runInRequestContext(requestId, async () => {
    await tick();
    return currentRequestId();
  });

describe('request context', () => {
  afterAll(() => configureRequestContext(config(), {}));

  it('is carried through every await when request lines are written (LOG_LEVEL=info)', async () => {
    configureRequestContext(config({ LOG_LEVEL: 'info' }), {});
    expect(requestContextCarried()).toBe(true);
    expect(await seenAfterAwait('req-1')).toBe('req-1');
    expect(currentRequestId()).toBeUndefined();
  });

  it('is carried with tracing on at any level, so lines name the request beside its trace', () => {
    configureRequestContext(config({ LOG_LEVEL: 'warn', TRACING_ENABLED: 'true' }), {});
    expect(requestContextCarried()).toBe(true);
    configureRequestContext(config({ LOG_LEVEL: 'warn' }), { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(requestContextCarried()).toBe(true);
  });

  it('is not carried at warn without tracing: the function runs as it is, and no id is made up', async () => {
    configureRequestContext(config({ LOG_LEVEL: 'warn' }), {});
    expect(requestContextCarried()).toBe(false);
    expect(await seenAfterAwait('req-2')).toBeUndefined();
  });
});
