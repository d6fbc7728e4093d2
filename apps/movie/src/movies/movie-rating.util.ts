/** The exact mean of the integer scores; 0 when nobody rated. */
export function averageOf(sum: number, count: number): number {
  return count > 0 ? sum / count : 0;
}
