import { ConfigError, envNameFor, loadConfig, withSettings } from './load-config.util';

describe('loadConfig', () => {
  it('maps a config path to its environment name', () => {
    expect(envNameFor('resilience.callTimeoutMs')).toBe('RESILIENCE_CALL_TIMEOUT_MS');
    expect(envNameFor('services.movie.healthPort')).toBe('SERVICES_MOVIE_HEALTH_PORT');
  });

  it('reads defaults and lets environment variables override them with the right type', () => {
    const config = loadConfig({ NODE_ENV: 'development', RESILIENCE_CALL_TIMEOUT_MS: '750', PORT: '8080', AUTH_REGISTRATION: 'false' });
    expect(config.resilience.callTimeoutMs).toBe(750);
    expect(config.http.port).toBe(8080);
    expect(config.auth.registration).toBe(false);
    expect(config.jwt.issuer).toBe('seedotech');
  });

  it('applies the file of the environment', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).demoData).toBe('false');
    expect(loadConfig({ NODE_ENV: 'development' }).demoData).toBe('auto');
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', PORT: 'abc' })).toThrow(/PORT \(http\.port\)/);
    expect(() => loadConfig({ NODE_ENV: 'development', RESILIENCE_MAX_FAILURES: '-1' })).toThrow(/RESILIENCE_MAX_FAILURES/);
    expect(() => loadConfig({ NODE_ENV: 'development', SERVICES_MOVIE_INSTANCES: 'nonsense' })).toThrow(ConfigError);
  });

  it('refuses a missing, short or default JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/jwt\.secret/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'dev-only-insecure-jwt-secret-change-me-0123456789' })).toThrow(
      /JWT_SECRET/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(32),
        ADMIN_PASSWORD: 'a-real-one-at-last',
        SERVICE_SECRET: 's'.repeat(32),
      }).jwt.secret,
    ).toHaveLength(32);
  });

  it('refuses a missing or short SERVICE_SECRET in production, and a short one anywhere, naming the variable', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), ADMIN_PASSWORD: 'a-real-one-at-last' };
    expect(() => loadConfig(production)).toThrow(/^ {2}SERVICE_SECRET \(serviceAuth\.secret\)/m);
    expect(() => loadConfig({ ...production, SERVICE_SECRET: 's'.repeat(31) })).toThrow(
      /SERVICE_SECRET \(serviceAuth\.secret\): must be at least 32/,
    );
    expect(() => loadConfig({ NODE_ENV: 'development', SERVICE_SECRET: 'short' })).toThrow(/SERVICE_SECRET/);
    expect(loadConfig({ NODE_ENV: 'development' }).serviceAuth.secret).toBe('');
  });

  it('refuses an ADMIN_PASSWORD in production that is short, the username or admin, naming the variable', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SERVICE_SECRET: 's'.repeat(32) };
    for (const bad of ['admin', 'ADMIN', 'x'.repeat(11)]) {
      expect(() => loadConfig({ ...production, ADMIN_PASSWORD: bad })).toThrow(
        /ADMIN_PASSWORD \(user\.adminPassword\): ADMIN_PASSWORD must have at least 12/,
      );
    }
    expect(loadConfig({ ...production, ADMIN_PASSWORD: 'x'.repeat(12) }).user.adminPassword).toHaveLength(12);
    expect(loadConfig({ NODE_ENV: 'development', ADMIN_PASSWORD: 'admin' }).user.adminPassword).toBe('admin');
  });

  it('refuses to start in production without ADMIN_PASSWORD, and not elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toThrow(/ADMIN_PASSWORD/);
    expect(loadConfig({ NODE_ENV: 'development' }).user.adminPassword).toBe('');
  });
});

describe('withSettings', () => {
  it('makes a new, validated configuration from the one given plus settings, and leaves the first unchanged', () => {
    const first = loadConfig({ NODE_ENV: 'test', PORT: '7001' });
    const second = withSettings(first, { MONGO_URI: 'mongodb://127.0.0.1:27999/', SERVICES_MOVIE_PORT: '9100' });
    expect(second).not.toBe(first);
    expect(second.http.port).toBe(7001);
    expect(second.mongo.uri).toBe('mongodb://127.0.0.1:27999/');
    expect(second.services.movie.port).toBe(9100);
    expect(first.mongo.uri).toBe('');
    expect(first.services.movie.port).not.toBe(9100);
    expect(() => withSettings(first, { SERVICES_MOVIE_PORT: 'x' })).toThrow(/SERVICES_MOVIE_PORT/);
  });
});
