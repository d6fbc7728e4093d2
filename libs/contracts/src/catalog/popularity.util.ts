/**
 * Bayesian average: the movie's mean pulled towards the global mean by `priorWeight` virtual
 * ratings, so that one 5-star rating does not outrank a hundred 4.5s.
 */
export function bayesianAverage(sum: number, count: number, globalMean: number, priorWeight: number): number {
  return (priorWeight * globalMean + sum) / (priorWeight + count);
}

interface RatingTally {
  sum: number;
  count: number;
}

/**
 * The popularity ranking, the one definition the movie service (popular picks) and the recommendation engine
 * (cold start) share: rated items by Bayesian average with the global mean as prior, weighted by the mean number
 * of ratings per rated item; best first, ties to the item with more ratings.
 */
export function rankByPopularity<T>(items: readonly T[], tally: (item: T, index: number) => RatingTally): { item: T; score: number }[] {
  const tallies = items.map(tally);
  const rated = tallies.filter((t) => t.count > 0).length;
  const totalSum = tallies.reduce((a, t) => a + t.sum, 0);
  const totalCount = tallies.reduce((a, t) => a + t.count, 0);
  if (totalCount === 0) return [];
  const globalMean = totalSum / totalCount;
  const priorWeight = Math.max(1, totalCount / rated);
  return items
    .map((item, i) => ({
      item,
      score: bayesianAverage(tallies[i].sum, tallies[i].count, globalMean, priorWeight),
      count: tallies[i].count,
    }))
    .sort((a, b) => b.score - a.score || b.count - a.count)
    .map(({ item, score }) => ({ item, score }));
}
