import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/** The gateway's security headers; the CSP lets the dashboard and /docs load their own scripts and styles only. */
const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      // The gateway speaks plain HTTP: upgrading would break /dashboard and /docs when opened by a LAN address.
      upgradeInsecureRequests: null,
    },
  },
};

/** What helmet sets for these options (no nonces, nothing taken from the request), computed by helmet itself. */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => void (headers[name] = value),
    removeHeader: (name: string) => void delete headers[name],
  };
  helmet(options)({} as never, res as never, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet could not compute its headers');
  });
  return headers;
}

/**
 * Sets helmet's headers on every reply. @fastify/helmet rebuilds the helmet middleware (parsing the CSP
 * directives again) in two hooks per request; these headers depend on nothing in the request, so they are
 * computed once here.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions = HELMET_OPTIONS): void {
  const headers = securityHeaders(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
