import type { ChangeType } from '@app/contracts';

/** One entry of the change feed as the service sees it; the repository stores `pos` as the document's `_id`. */
export interface ChangeEntity {
  pos: string;
  type: ChangeType;
  movieId: string;
  userId?: string;
  score?: number;
  at: Date;
}
