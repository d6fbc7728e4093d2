/** What travels with every RPC message besides its payload. */
export interface RpcMeta {
  requestId?: string;
  /** The caller's access token, for services that guard a resource and verify it again. */
  token?: string;
  /** Opaque tags of an HTTP If-None-Match, for reads that answer CachedRead. */
  ifNoneMatch?: string[];
  /** The HTTP client's address as the gateway saw it, for limits the services keep per client (failed logins). */
  clientIp?: string;
  /** W3C trace context of the caller's span while tracing is on (docs/operations.md, "Tracing"). */
  traceparent?: string;
}

export interface RpcEnvelope<T = unknown> {
  meta: RpcMeta;
  data: T;
}
