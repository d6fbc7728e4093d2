export type RecommendationReason = 'similar' | 'popular';
export type RecommendationStrategy = 'item-cf' | 'popular' | 'fallback-popular';

export const RECOMMENDATION_REASONS: RecommendationReason[] = ['similar', 'popular'];
export const RECOMMENDATION_STRATEGIES: RecommendationStrategy[] = ['item-cf', 'popular', 'fallback-popular'];
