/**
 * `fn` at most once per `everyMs`; calls in between are dropped. For warnings a retry loop would otherwise
 * log many times a second while a dependency is away.
 */
export function atMostEvery<A extends unknown[]>(
  everyMs: number,
  fn: (...args: A) => void,
  now: () => number = Date.now,
): (...args: A) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (...args: A) => {
    const t = now();
    if (t - last < everyMs) return;
    last = t;
    fn(...args);
  };
}
