import { hash } from 'node:crypto';

/* Both ends of a conditional catalog read compare tags the same way: the gateway for private answers, the movie service for cached ones. */
/** RFC 9110 §13.1.2 weak comparison: opaque-tags match, W/ prefixes ignored; `*` matches any representation. */
export function etagMatches(candidates: readonly string[] | undefined, etag: string): boolean {
  if (!candidates?.length) return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return candidates.some((c) => c === '*' || (c.startsWith('W/') ? c.slice(2) : c) === opaque);
}

/**
 * Strong entity tag of a body: same bytes, same tag, whichever instance serialised it (the movie service for
 * catalog answers, the gateway for per-user ones). One-shot hashing: no Hash object per answer.
 */
export function strongEtag(body: string): string {
  return `"${hash('sha1', body, 'base64url')}"`;
}
