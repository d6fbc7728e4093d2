import { createHash } from 'node:crypto';

/**
 * Weighted rendezvous (highest random weight) hashing: every caller that sees the same items picks the same one
 * for a key, in proportion to the weights across keys, and when an item leaves only the keys it had move.
 */
export function rendezvous<T>(key: string, items: readonly T[], idOf: (item: T) => string, weightOf: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const item of items) {
    // 48 bits of the hash as a uniform number in (0, 1); -w / ln(u) is the weighted score.
    const bits = createHash('sha256').update(key).update('\0').update(idOf(item)).digest().readUIntBE(0, 6);
    const score = -weightOf(item) / Math.log((bits + 1) / (2 ** 48 + 1));
    if (score > bestScore) {
      best = item;
      bestScore = score;
    }
  }
  return best;
}
