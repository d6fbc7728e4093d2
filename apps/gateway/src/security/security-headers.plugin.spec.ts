import { securityHeaders } from './security-headers.plugin';

describe('security headers', () => {
  it('are the ones helmet sets, with our CSP and without an HTTPS upgrade', () => {
    const headers = securityHeaders();
    expect(headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(headers['Content-Security-Policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(headers['Content-Security-Policy']).not.toContain('upgrade-insecure-requests');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Strict-Transport-Security']).toMatch(/max-age=/);
    expect(headers['X-Frame-Options']).toBe('SAMEORIGIN');
  });
});
