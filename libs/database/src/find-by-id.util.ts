import { Types, type Model } from 'mongoose';

/** What the lookup needs of a model: its connection's database and its collection. */
type ModelLike = Pick<Model<any>, 'db' | 'collection'>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface FindReply<T> {
  cursor?: { firstBatch?: T[] };
}

/**
 * One document by `_id`, through the `find` command itself (limit 1, one batch): the same query a driver
 * `findOne` sends, without the cursor it builds, closes and cleans up around it. Measured against FerretDB
 * (bench, issue 24): 161 against 230 us of CPU per read at 20 in flight, most of it the cursor's objects and their
 * garbage. What it gives up: the driver's one automatic retry of a read after a network error (the resilience
 * client retries idempotent reads itself) and mongoose's buffering before the first connection (then it is a
 * driver `findOne` as before). `id` must be a valid ObjectId string.
 */
export async function findOneById<T>(model: ModelLike, id: string): Promise<T | null> {
  const _id = new Types.ObjectId(id);
  const db = model.db.db;
  if (!db) return model.collection.findOne<T>({ _id });
  const reply = await db.command({ find: model.collection.collectionName, filter: { _id }, limit: 1, singleBatch: true });
  return (reply as FindReply<T>).cursor?.firstBatch?.[0] ?? null;
}
