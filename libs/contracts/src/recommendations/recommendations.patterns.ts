/** Message patterns of the recommendation service. */
export const RECOMMENDATION_PATTERNS = {
  forUser: 'recommendation.for-user',
  rebuildStart: 'recommendation.rebuild.start',
  rebuildStatus: 'recommendation.rebuild.status',
  feedStatus: 'recommendation.feed.status',
} as const;
