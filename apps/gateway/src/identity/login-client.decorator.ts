import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestIdOf } from '@app/observability';

/** Who is logging in, as the throttles need it: the socket's address (no proxy is trusted) and the device cookie. */
export interface LoginClient {
  ip: string;
  /** The HTTP request's id, for the auth service's lines. */
  requestId?: string;
  /** The device token of an earlier login on this client, if it sent one. */
  deviceToken?: string;
  /** Hands the client its device token for the next login. */
  setDeviceToken(token: string, maxAgeSec: number): void;
}

export const DEVICE_COOKIE = 'mp_device';
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{43}$/;

interface LoginRequest {
  id?: unknown;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

interface LoginReply {
  header(name: string, value: string): unknown;
}

/** The device cookie's value when it has the shape of a device token; anything else counts as none. */
export function deviceTokenOf(cookieHeader: string | string[] | undefined): string | undefined {
  for (const header of [cookieHeader ?? []].flat()) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === DEVICE_COOKIE) {
        const value = part.slice(eq + 1).trim();
        return DEVICE_TOKEN.test(value) ? value : undefined;
      }
    }
  }
  return undefined;
}

/** The login client of this request, the same for the v1 and v2 login routes. */
export const CurrentLoginClient = createParamDecorator((_: unknown, ctx: ExecutionContext): LoginClient => {
  const http = ctx.switchToHttp();
  const req = http.getRequest<LoginRequest>();
  const reply = http.getResponse<LoginReply>();
  return {
    ip: req.ip,
    requestId: requestIdOf(req),
    deviceToken: deviceTokenOf(req.headers.cookie),
    setDeviceToken: (token, maxAgeSec) =>
      // Read by nobody but the next login: HttpOnly, only sent to the API, never to another site.
      reply.header('set-cookie', `${DEVICE_COOKIE}=${token}; Path=/api; Max-Age=${maxAgeSec}; HttpOnly; SameSite=Strict`),
  };
});
