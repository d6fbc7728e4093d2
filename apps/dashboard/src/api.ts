import type { components, paths } from './api.types.js';

/** An API failure as the user should read it: the gateway's {code, message} plus the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API's schemas, generated from openapi.json (npm run openapi). */
export type Schemas = components['schemas'];
export type TokenPair = Schemas['TokenPairDto'];
type Me = Schemas['MeDto'];
export type Role = Schemas['UserResponseDto']['role'];
export type MovieSort = NonNullable<paths['/api/v2/movies']['get']['parameters']['query']>['sort'];

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The JSON body of the operation's success answer (undefined for 204). */
type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 204>]> : never;
/** The JSON request body the operation takes. */
type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** Path and query parameters of the operation. */
type Params<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: infer Q } ? Q : never;
export interface CallOptions<P extends keyof paths, M extends Method> {
  path?: Params<P, M> extends { path: infer X } ? X : never;
  query?: Params<P, M> extends { query?: infer X } ? X : never;
  body?: RequestBody<P, M>;
}

/** `/api/v2/movies/{id}` with `{id: 'x'}` -> `/api/v2/movies/x`, plus the query string of the set values. */
export function resolvePath(template: string, path: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const url = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(path[name])));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '')
      search.set(
        key,
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value),
      );
  }
  const text = search.toString();
  return text ? `${url}?${text}` : url;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

interface Timers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

interface SessionOptions {
  baseUrl?: string;
  fetch?: Fetch;
  timers?: Timers;
  /** Seconds before expiry at which the access token is renewed. */
  refreshMarginSec?: number;
  /** Called once when the session ends without the user asking (refresh refused). */
  onExpired?: (reason: ApiError) => void;
}

const NETWORK_MESSAGE = 'Cannot reach the gateway. Check that it is running and try again.';

/** Turns a non-2xx response into an ApiError without ever showing raw JSON. */
export async function toApiError(res: Response): Promise<ApiError> {
  const retryHeader = res.headers.get('retry-after');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  let code: number | null = null;
  let message = '';
  try {
    const body = (await res.json()) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string') message = body.message;
    else if (Array.isArray(body.message)) message = body.message.filter((m) => typeof m === 'string').join('; ');
  } catch {
    // A body that is not JSON (a proxy page, an empty reply) gets a message from the status below.
  }
  if (!message) message = res.statusText ? `${res.status} ${res.statusText}` : `Request failed with status ${res.status}`;
  return new ApiError(res.status, code, message, retryAfter);
}

/** A readable sentence for any error a view may catch. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const retry = err.retryAfterSec ? ` Try again in ${err.retryAfterSec} s.` : '';
    return `${err.message}${/[.!?]$/.test(err.message) ? '' : '.'}${retry}`;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

/**
 * The logged-in session. Tokens live only in this object (never in storage), so a reload signs out;
 * the access token is renewed shortly before it expires, and once more on a 401.
 */
export class Session {
  private tokens: TokenPair | null = null;
  private refreshing: Promise<void> | null = null;
  private timer: unknown = null;
  private readonly baseUrl: string;
  private readonly fetchImpl: Fetch;
  private readonly timers: Timers;
  private readonly marginSec: number;
  me: Me | null = null;

  constructor(private readonly options: SessionOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) };
    this.marginSec = options.refreshMarginSec ?? 30;
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  get isAdmin(): boolean {
    return this.me?.role === 'admin';
  }

  /** For endpoints outside the v2 API that show more to admins (readiness details). */
  authorization(): Record<string, string> {
    return this.tokens ? { authorization: `Bearer ${this.tokens.accessToken}` } : {};
  }

  async login(username: string, password: string): Promise<Me> {
    const pair = await this.raw<Answer<'/api/v2/auth/login', 'post'>>('POST', '/api/v2/auth/login', { username, password });
    this.accept(pair);
    try {
      this.me = await this.call('get', '/api/v2/auth/me');
    } catch (err) {
      this.clear();
      throw err;
    }
    return this.me;
  }

  async logout(): Promise<void> {
    const tokens = this.tokens;
    this.clear();
    if (!tokens) return;
    // Revoke server-side; the session is already gone locally whatever the answer.
    await this.raw('POST', '/api/v2/auth/logout', { refreshToken: tokens.refreshToken }, tokens.accessToken).catch(() => undefined);
  }

  /**
   * A call typed by the OpenAPI document: the path template and method give the parameters, the body and the answer,
   * e.g. `call('get', '/api/v2/movies/{id}', { path: { id } })` answers a MovieDto.
   */
  call<P extends keyof paths, M extends Method>(method: M, template: P, options: CallOptions<P, M> = {}): Promise<Answer<P, M>> {
    const url = resolvePath(template, options.path as Record<string, unknown>, options.query as Record<string, unknown>);
    return this.request<Answer<P, M>>(method.toUpperCase(), url, options.body);
  }

  /** A v2 call with the access token; a 401 triggers one refresh and one retry. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.tokens) throw new ApiError(401, null, 'You are signed out. Sign in again.');
    try {
      return await this.raw<T>(method, path, body, this.tokens.accessToken);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || path.startsWith('/api/v2/auth/')) throw err;
      await this.refresh();
      if (!this.tokens) throw err;
      return this.raw<T>(method, path, body, this.tokens.accessToken);
    }
  }

  /** Renews the access token (shared by concurrent callers); ends the session if the refresh token is refused. */
  refresh(): Promise<void> {
    if (!this.tokens) return Promise.resolve();
    this.refreshing ??= (async () => {
      const current = this.tokens!;
      try {
        const pair = await this.raw<TokenPair>('POST', '/api/v2/auth/refresh', { refreshToken: current.refreshToken });
        if (this.tokens === current) this.accept({ ...pair, refreshToken: pair.refreshToken ?? current.refreshToken });
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403) && this.tokens === current) {
          this.clear();
          this.options.onExpired?.(new ApiError(401, err.code, 'Your session has expired. Sign in again.'));
        } else if (this.tokens === current) {
          // The auth service may be briefly down: try again soon rather than signing out.
          this.schedule(10);
        }
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Unauthenticated JSON request; also used for public endpoints such as readiness. */
  async raw<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, null, NETWORK_MESSAGE);
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private accept(pair: TokenPair): void {
    this.tokens = pair;
    this.schedule(Math.max(5, pair.expiresIn - this.marginSec));
  }

  private schedule(inSec: number): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = null;
      void this.refresh();
    }, inSec * 1000);
  }

  private clear(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.tokens = null;
    this.me = null;
  }
}
