import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { RevocationEvent } from '@app/contracts';
import { PositionFeed } from '@app/database';
import { Revocation } from './revocation.schema';

/** A stored revocation as the stream carries it: its position, never the document's `_id`. */
function toRevocationEvent(r: Revocation): RevocationEvent {
  return {
    pos: r._id,
    kind: r.kind,
    ...(r.sid ? { sid: r.sid } : {}),
    ...(r.userId ? { userId: r.userId } : {}),
    ...(r.role ? { role: r.role } : {}),
    at: r.at,
    expiresAt: new Date(r.expiresAt).getTime(),
  };
}

@Injectable()
export class RevocationsRepository {
  private readonly feed: PositionFeed<Revocation>;

  constructor(@InjectModel(Revocation.name) private readonly model: Model<Revocation>) {
    this.feed = new PositionFeed(model);
  }

  async append(entry: Omit<Revocation, '_id' | 'published'>): Promise<RevocationEvent> {
    return toRevocationEvent(await this.feed.append(entry));
  }

  /** Not published yet and still in force (an expired one revokes nothing any more). */
  async unpublished(now = Date.now()): Promise<RevocationEvent[]> {
    return (await this.feed.unpublished()).map(toRevocationEvent).filter((e) => e.expiresAt > now);
  }

  markPublished(events: RevocationEvent[]): Promise<void> {
    return this.feed.markPublished(events.map((e) => e.pos));
  }

  async hasSource(source: string): Promise<boolean> {
    return (await this.model.exists({ source })) !== null;
  }

  async deleteExpired(before: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: trusted({ $lt: before }) }).exec()).deletedCount;
  }
}
