/** A unique-index violation: MongoDB says 11000; FerretDB sometimes reports SQLite's unique-constraint failure instead. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; errmsg?: unknown; message?: unknown };
  const text = typeof e?.errmsg === 'string' ? e.errmsg : typeof e?.message === 'string' ? e.message : '';
  return e?.code === 11000 || /E11000|UNIQUE constraint failed/.test(text);
}
