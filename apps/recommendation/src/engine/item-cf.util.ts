import { rankByPopularity, RatingTuple, RecommendationReason } from '@app/contracts';

/**
 * Item-based collaborative filtering.
 *
 * Build: adjusted cosine between items. Each rating is centred on its user's mean score, and
 * sim(i, j) = sum_u c_ui * c_uj / (|c_i| * |c_j|), where the dot product runs over the users who
 * rated both items and |c_i| is the norm of item i's centred column. The dot products are
 * accumulated item by item through each rater's list, into one dense scratch row, so the work is
 * O(sum over users of r_u^2) (r_u = the user's rating count: every co-rated pair, visited from
 * both sides) plus O(m * n log K) to keep the top K neighbours per movie, and memory is
 * O(ratings + movies * K). Nothing is quadratic in the number of movies.
 *
 * Request: score(j) = sum over the user's rated items i of sim(i, j) * (r_ui - 3): what they rated
 * highly pulls its neighbours up, what they disliked pushes its neighbours down. O(r_u * K).
 */
export interface Neighbour {
  movieId: string;
  similarity: number;
}

interface PopularPick {
  movieId: string;
  score: number;
}

export interface CfModel {
  neighbours: Map<string, Neighbour[]>;
  /** Every rated movie by Bayesian average, best first: the cold-start answer. */
  popular: PopularPick[];
  users: number;
  movies: number;
  ratings: number;
}

export interface UserRating {
  movieId: string;
  score: number;
}

export interface Recommendation {
  movieId: string;
  score: number;
  reason: RecommendationReason;
}

/** Scores above this count as "liked" when scoring a user's neighbours; below it as disliked. */
const NEUTRAL_SCORE = 3;

export function buildItemCf(ratings: readonly RatingTuple[], k: number): CfModel {
  const movieIndex = new Map<string, number>();
  const userIndex = new Map<string, number>();
  const movieIds: string[] = [];
  const n = ratings.length;
  const itemOf = new Int32Array(n);
  const userOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const [movieId, userId] = ratings[r];
    let i = movieIndex.get(movieId);
    if (i === undefined) {
      i = movieIds.length;
      movieIndex.set(movieId, i);
      movieIds.push(movieId);
    }
    let u = userIndex.get(userId);
    if (u === undefined) {
      u = userIndex.size;
      userIndex.set(userId, u);
    }
    itemOf[r] = i;
    userOf[r] = u;
  }
  const users = userIndex.size;
  const items = movieIds.length;

  const userSum = new Float64Array(users);
  const userCount = new Int32Array(users);
  for (let r = 0; r < n; r++) {
    userSum[userOf[r]] += ratings[r][2];
    userCount[userOf[r]]++;
  }
  const centred = new Float64Array(n);
  for (let r = 0; r < n; r++) centred[r] = ratings[r][2] - userSum[userOf[r]] / userCount[userOf[r]];

  // Compressed rows: each user's ratings and each item's ratings, as index ranges.
  const userRows = csr(userOf, users);
  const itemRows = csr(itemOf, items);
  const norm = new Float64Array(items);
  for (let r = 0; r < n; r++) norm[itemOf[r]] += centred[r] * centred[r];
  for (let i = 0; i < items; i++) norm[i] = Math.sqrt(norm[i]);

  const acc = new Float64Array(items);
  const seen = new Uint8Array(items);
  const touched = new Int32Array(items);
  const neighbours = new Map<string, Neighbour[]>();
  for (let i = 0; i < items; i++) {
    let touchedCount = 0;
    if (norm[i] > 0) {
      for (let a = itemRows.start[i]; a < itemRows.start[i + 1]; a++) {
        const r = itemRows.entries[a];
        const cui = centred[r];
        if (cui === 0) continue;
        const u = userOf[r];
        for (let b = userRows.start[u]; b < userRows.start[u + 1]; b++) {
          const s = userRows.entries[b];
          const j = itemOf[s];
          if (j === i) continue;
          if (!seen[j]) {
            seen[j] = 1;
            touched[touchedCount++] = j;
          }
          acc[j] += cui * centred[s];
        }
      }
    }
    const top = new TopK(k);
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t];
      if (acc[j] > 0 && norm[j] > 0) top.offer(j, acc[j] / (norm[i] * norm[j]));
      acc[j] = 0;
      seen[j] = 0;
    }
    const list = top.sorted().map(([j, similarity]) => ({ movieId: movieIds[j], similarity }));
    if (list.length) neighbours.set(movieIds[i], list);
  }

  const itemSum = new Float64Array(items);
  const itemCount = new Int32Array(items);
  for (let r = 0; r < n; r++) {
    itemSum[itemOf[r]] += ratings[r][2];
    itemCount[itemOf[r]]++;
  }
  const popular = rankByPopularity(movieIds, (_, i) => ({ sum: itemSum[i], count: itemCount[i] })).map(({ item, score }) => ({
    movieId: item,
    score,
  }));
  return { neighbours, popular, users, movies: items, ratings: n };
}

/**
 * Ranked candidates for one user: neighbours of what they rated (reason "similar"), then popular
 * picks (reason "popular"); nothing they rated. Returns up to `limit` ids.
 */
export function recommend(model: CfModel, rated: readonly UserRating[], limit: number): Recommendation[] {
  const ratedIds = new Set(rated.map((r) => r.movieId));
  const scores = new Map<string, number>();
  for (const { movieId, score } of rated) {
    const weight = score - NEUTRAL_SCORE;
    if (weight === 0) continue;
    for (const nb of model.neighbours.get(movieId) ?? []) {
      if (ratedIds.has(nb.movieId)) continue;
      scores.set(nb.movieId, (scores.get(nb.movieId) ?? 0) + nb.similarity * weight);
    }
  }
  const similar = [...scores.entries()]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([movieId, score]): Recommendation => ({ movieId, score: round(score), reason: 'similar' }));
  const chosen = new Set(similar.map((r) => r.movieId));
  const result = similar;
  for (const pick of model.popular) {
    if (result.length >= limit) break;
    if (ratedIds.has(pick.movieId) || chosen.has(pick.movieId)) continue;
    result.push({ movieId: pick.movieId, score: round(pick.score), reason: 'popular' });
  }
  return result;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

function csr(keys: Int32Array, size: number): { start: Int32Array; entries: Int32Array } {
  const start = new Int32Array(size + 1);
  for (let r = 0; r < keys.length; r++) start[keys[r] + 1]++;
  for (let x = 0; x < size; x++) start[x + 1] += start[x];
  const fill = start.slice(0, size);
  const entries = new Int32Array(keys.length);
  for (let r = 0; r < keys.length; r++) entries[fill[keys[r]]++] = r;
  return { start, entries };
}

/** The K best (index, value) pairs in O(n log K), with a min-heap on value. */
class TopK {
  private readonly idx: number[] = [];
  private readonly val: number[] = [];

  constructor(private readonly k: number) {}

  offer(index: number, value: number): void {
    if (this.idx.length < this.k) {
      this.idx.push(index);
      this.val.push(value);
      this.up(this.idx.length - 1);
    } else if (value > this.val[0]) {
      this.idx[0] = index;
      this.val[0] = value;
      this.down(0);
    }
  }

  sorted(): [number, number][] {
    return this.idx.map((i, p): [number, number] => [i, this.val[p]]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private swap(a: number, b: number): void {
    [this.idx[a], this.idx[b]] = [this.idx[b], this.idx[a]];
    [this.val[a], this.val[b]] = [this.val[b], this.val[a]];
  }

  private up(p: number): void {
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (this.val[parent] <= this.val[p]) return;
      this.swap(parent, p);
      p = parent;
    }
  }

  private down(p: number): void {
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < this.val.length && this.val[l] < this.val[m]) m = l;
      if (r < this.val.length && this.val[r] < this.val[m]) m = r;
      if (m === p) return;
      this.swap(m, p);
      p = m;
    }
  }
}
