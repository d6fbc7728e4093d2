import { api } from './system';

/** Shared catalog steps for e2e suites: create genres and movies as an admin. */
export async function ensureGenre(baseUrl: string, adminToken: string, name: string): Promise<void> {
  const res = await api(baseUrl, adminToken).post('/api/v2/genres', { name, description: `${name} films` });
  if (res.status !== 201 && res.status !== 409) throw new Error(`creating genre ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function createMovie(baseUrl: string, adminToken: string, movie: Record<string, unknown>): Promise<string> {
  const res = await api(baseUrl, adminToken).post('/api/v2/movies', movie);
  if (res.status !== 201) throw new Error(`creating movie: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
