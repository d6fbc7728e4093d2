import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { WriteGate } from '../database/write-gate.service';
import { ChangeEntity } from './change.entity';
import { Change } from './change.schema';

/** The position is the document's `_id`, so reading in order is a primary-key range. */
const toDocument = ({ pos, ...rest }: ChangeEntity): Change => ({ _id: pos, ...rest });

function toEntity(r: Change): ChangeEntity {
  return {
    pos: r._id,
    type: r.type,
    movieId: r.movieId,
    ...(r.userId !== undefined && r.userId !== null ? { userId: r.userId } : {}),
    ...(r.score !== undefined && r.score !== null ? { score: r.score } : {}),
    at: r.at,
  };
}

@Injectable()
export class ChangesRepository {
  constructor(
    @InjectModel(Change.name) private readonly model: Model<Change>,
    private readonly writes: WriteGate,
  ) {}

  async appendMany(changes: ChangeEntity[]): Promise<void> {
    await this.writes.run(() => this.model.insertMany(changes.map(toDocument), { lean: true }));
  }

  async after(after: string | undefined, limit: number): Promise<ChangeEntity[]> {
    const filter = after === undefined ? {} : { _id: mongoose.trusted({ $gt: after }) };
    return (await this.model.find(filter).sort({ _id: 1 }).limit(limit).lean<Change[]>().exec()).map(toEntity);
  }

  async trimBefore(pos: string): Promise<number> {
    return (await this.model.deleteMany({ _id: mongoose.trusted({ $lt: pos }) }).exec()).deletedCount;
  }
}
