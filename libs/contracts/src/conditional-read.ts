/**
 * The movie service's answer to a catalog read: the JSON body serialised once by the owner of the data,
 * with its strong entity tag. `body` is null when one of the caller's `meta.ifNoneMatch` tags matched,
 * so a revalidation carries no payload across the transport.
 */
export interface CachedRead {
  etag: string;
  body: string | null;
}

/** RFC 9110 §13.1.2 weak comparison: opaque-tags match, W/ prefixes ignored; `*` matches any representation. */
export function etagMatches(candidates: readonly string[] | undefined, etag: string): boolean {
  if (!candidates?.length) return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return candidates.some((c) => c === '*' || (c.startsWith('W/') ? c.slice(2) : c) === opaque);
}
