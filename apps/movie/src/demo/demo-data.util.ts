/**
 * The demo catalog, generated (never downloaded) from a fixed seed so every start produces the
 * same data: 10 genres, 100 movies, and 50 demo users in five taste groups. Each group loves two
 * genres and dislikes two others, so recommendations differ between users. The demo users exist
 * only as ids on ratings: they have no accounts in the user service.
 */
interface DemoGenre {
  name: string;
  description: string;
}

interface DemoMovie {
  name: string;
  url: string;
  coverImage: string;
  description: string;
  genres: string[];
  year: number;
}

interface DemoRating {
  movie: number;
  userId: string;
  score: number;
}

interface DemoData {
  genres: DemoGenre[];
  movies: DemoMovie[];
  ratings: DemoRating[];
}

const DEMO_SEED = 20240607;

/** mulberry32: a tiny, well-mixed 32-bit PRNG, deterministic for a given seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GENRES: DemoGenre[] = [
  { name: 'Action', description: 'Chases, fights and explosions' },
  { name: 'Comedy', description: 'Made to make you laugh' },
  { name: 'Drama', description: 'Serious stories about people' },
  { name: 'Sci-Fi', description: 'Science, space and the future' },
  { name: 'Horror', description: 'Fear, monsters and the unknown' },
  { name: 'Romance', description: 'Love stories' },
  { name: 'Animation', description: 'Drawn, modelled or stop-motion' },
  { name: 'Documentary', description: 'Real people and events' },
  { name: 'Thriller', description: 'Suspense and tension' },
  { name: 'Fantasy', description: 'Magic and other worlds' },
];

const ADJECTIVES = ['Silent', 'Crimson', 'Last', 'Hidden', 'Broken', 'Golden', 'Frozen', 'Electric', 'Midnight', 'Distant'];
const NOUNS = ['Harbor', 'Signal', 'Garden', 'Empire', 'Echo', 'Horizon', 'Voyage', 'Mirror', 'Orchard', 'Frontier'];

/** Five taste groups: the genres (by index) each group loves and dislikes. */
const GROUPS = [
  { loves: [0, 8], dislikes: [5, 7] },
  { loves: [1, 5], dislikes: [4, 8] },
  { loves: [3, 9], dislikes: [2, 7] },
  { loves: [2, 7], dislikes: [0, 6] },
  { loves: [4, 6], dislikes: [1, 3] },
];

export function demoUserId(index: number): string {
  return `de${index.toString(16).padStart(22, '0')}`;
}

export function generateDemoData(seed = DEMO_SEED): DemoData {
  const rand = mulberry32(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const movies: DemoMovie[] = [];
  const primaryGenre: number[] = [];
  for (let i = 0; i < 100; i++) {
    const primary = i % GENRES.length;
    const secondary = (primary + 1 + pick(GENRES.length - 1)) % GENRES.length;
    const genres = rand() < 0.4 ? [GENRES[primary].name, GENRES[secondary].name] : [GENRES[primary].name];
    const name = `The ${ADJECTIVES[Math.floor(i / 10)]} ${NOUNS[i % 10]}`;
    const slug = name.toLowerCase().replace(/\s+/g, '-');
    primaryGenre.push(primary);
    movies.push({
      name,
      url: `https://movies.example.org/${slug}`,
      coverImage: `https://movies.example.org/covers/${slug}.jpg`,
      description: `${/^[AEIOU]/.test(GENRES[primary].name) ? 'An' : 'A'} ${GENRES[primary].name.toLowerCase()} film about a ${NOUNS[i % 10].toLowerCase()} that changes everything.`,
      genres,
      year: 1970 + pick(55),
    });
  }
  const ratings: DemoRating[] = [];
  for (let u = 0; u < 50; u++) {
    const group = GROUPS[u % GROUPS.length];
    const seen = new Set<number>();
    const wanted = 15 + pick(11);
    while (seen.size < wanted) {
      const movie = pick(movies.length);
      if (seen.has(movie)) continue;
      seen.add(movie);
      const genre = primaryGenre[movie];
      const base = group.loves.includes(genre) ? 4.6 : group.dislikes.includes(genre) ? 1.5 : 3;
      const score = Math.min(5, Math.max(1, Math.round(base + (rand() - 0.5) * 1.6)));
      ratings.push({ movie, userId: demoUserId(u + 1), score });
    }
  }
  return { genres: GENRES, movies, ratings };
}
