/* Both ends of a conditional catalog read compare tags the same way: the gateway for private answers, the movie service for cached ones. */
/** RFC 9110 §13.1.2 weak comparison: opaque-tags match, W/ prefixes ignored; `*` matches any representation. */
export function etagMatches(candidates: readonly string[] | undefined, etag: string): boolean {
  if (!candidates?.length) return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return candidates.some((c) => c === '*' || (c.startsWith('W/') ? c.slice(2) : c) === opaque);
}
