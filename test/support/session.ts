import { mintToken } from './tokens';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { api, ApiResponse } from './system';

/** The development secret and issuer from config/default.yaml, for tokens minted without logging in. */

export interface TestUser {
  id: string;
  username: string;
  password: string;
  role: 'admin' | 'user';
  token: string;
  refreshToken: string;
}

/** Every response a test saw, so a suite can check that no secret ever came back. */
export class ResponseLog {
  readonly bodies: string[] = [];

  record<T>(res: ApiResponse<T>): ApiResponse<T> {
    this.bodies.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? ''));
    return res;
  }

  /** The bodies that contain any of the given values. */
  containing(values: string[]): string[] {
    return this.bodies.filter((body) => values.some((v) => v && body.includes(v)));
  }
}

/** An api() client whose responses all land in the log. */
export function loggedApi(log: ResponseLog, baseUrl: string, token?: string) {
  const client = api(baseUrl, token);
  return {
    get: async <T = any>(path: string, headers?: Record<string, string>) => log.record(await client.get<T>(path, headers)),
    post: async <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      log.record(await client.post<T>(path, body, headers)),
    patch: async <T = any>(path: string, body?: unknown) => log.record(await client.patch<T>(path, body)),
    delete: async <T = any>(path: string, body?: unknown) => log.record(await client.delete<T>(path, body)),
  };
}

/** The documented first step: a form login as admin/admin. */
export async function loginAdminV1(baseUrl: string, password = 'admin'): Promise<string> {
  const res = await api(baseUrl).post('/api/v1/admin/auth', new URLSearchParams({ user: 'admin', password }));
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export async function loginV2(baseUrl: string, username: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await api(baseUrl).post('/api/v2/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A fresh account (unique name), created by an admin through v2, and logged in. */
export async function createUser(
  baseUrl: string,
  adminToken: string,
  options: { prefix?: string; role?: 'admin' | 'user'; password?: string } = {},
): Promise<TestUser> {
  const username = `${options.prefix ?? 'user'}-${randomUUID().slice(0, 8)}`;
  const password = options.password ?? `pw-${randomUUID()}`;
  const role = options.role ?? 'user';
  const res = await api(baseUrl, adminToken).post('/api/v2/users', { username, password, role });
  if (res.status !== 201) throw new Error(`creating ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const pair = await loginV2(baseUrl, username, password);
  return { id: res.body.id, username, password, role, token: pair.accessToken, refreshToken: pair.refreshToken };
}

/** Tokens the gateway must refuse: alg none, another secret, another issuer, expired, HS512. */
export { mintToken };

export function forgedTokens(): Record<string, string> {
  return {
    'alg none': mintToken({}, { algorithm: 'none' }),
    'wrong secret': mintToken({}, { secret: 'another-secret-that-is-long-enough-0123' }),
    'wrong issuer': mintToken({}, { issuer: 'someone-else' }),
    expired: mintToken({}, { expiresIn: -10 }),
    HS512: mintToken({}, { algorithm: 'HS512' }),
    garbage: 'not.a.token',
  };
}

export function claimsOf(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}
