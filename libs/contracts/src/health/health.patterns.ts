export const SERVICE_PATTERNS = {
  auth: { health: 'auth.health' },
  user: { health: 'user.health' },
  movie: { health: 'movie.health' },
  recommendation: { health: 'recommendation.health' },
} as const;
