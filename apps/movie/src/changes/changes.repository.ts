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

/** The movie service's outbox: changes stored and not published yet (published ones are removed). */
@Injectable()
export class ChangesRepository {
  constructor(
    @InjectModel(Change.name) private readonly model: Model<Change>,
    private readonly writes: WriteGate,
  ) {}

  async appendMany(changes: ChangeEntity[]): Promise<void> {
    await this.writes.run(() => this.model.insertMany(changes.map(toDocument), { lean: true }));
  }

  async all(): Promise<ChangeEntity[]> {
    return (await this.model.find({}).sort({ _id: 1 }).lean<Change[]>().exec()).map(toEntity);
  }

  async removeMany(positions: string[]): Promise<void> {
    if (positions.length) await this.writes.run(() => this.model.deleteMany({ _id: mongoose.trusted({ $in: positions }) }).exec());
  }
}
