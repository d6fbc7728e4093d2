/** What travels with every RPC message besides its payload. */
export interface RpcMeta {
  requestId?: string;
  /** The caller's access token, for services that guard a resource and verify it again. */
  token?: string;
  /** Opaque tags of an HTTP If-None-Match, for reads that answer CachedRead. */
  ifNoneMatch?: string[];
}

export interface RpcEnvelope<T = unknown> {
  meta: RpcMeta;
  data: T;
}
