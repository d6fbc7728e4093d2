import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { WriteGate } from '../database/write-gate.service';
import { Change, ChangeRecord } from './change.schema';

@Injectable()
export class ChangesRepository {
  constructor(
    @InjectModel(Change.name) private readonly model: Model<Change>,
    private readonly writes: WriteGate,
  ) {}

  async appendMany(changes: Change[]): Promise<void> {
    await this.writes.run(() => this.model.insertMany(changes, { lean: true }));
  }

  after(after: string | undefined, limit: number): Promise<ChangeRecord[]> {
    const filter = after === undefined ? {} : { _id: mongoose.trusted({ $gt: after }) };
    return this.model.find(filter).sort({ _id: 1 }).limit(limit).lean<ChangeRecord[]>().exec();
  }

  async trimBefore(pos: string): Promise<number> {
    return (await this.model.deleteMany({ _id: mongoose.trusted({ $lt: pos }) }).exec()).deletedCount;
  }
}
