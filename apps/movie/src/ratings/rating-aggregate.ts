/** How one rating change moves a movie's ratingSum and ratingCount (applied with $inc). */
export interface AggregateDelta {
  sum: number;
  count: number;
}

export function insertDelta(score: number): AggregateDelta {
  return { sum: score, count: 1 };
}

export function changeDelta(oldScore: number, newScore: number): AggregateDelta {
  return { sum: newScore - oldScore, count: 0 };
}

export function deleteDelta(score: number): AggregateDelta {
  return { sum: -score, count: -1 };
}

/** The exact mean of the integer scores; 0 when nobody rated. */
export function averageOf(sum: number, count: number): number {
  return count > 0 ? sum / count : 0;
}
