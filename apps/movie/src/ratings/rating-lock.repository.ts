import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { APP_CONFIG, AppConfig } from '@app/config';
import mongoose, { Model } from 'mongoose';
import { AppError } from '@app/common';
import { isDuplicateKey } from './duplicate-key';
import { KeyedMutex } from './keyed-mutex';
import { RatingLock } from './rating.schema';

const LEASE_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Serialises rating changes per movie. FerretDB 1.x applies concurrent updates to one document
 * as read-modify-write (lost $inc updates, findOneAndUpdate/Delete returning the same old
 * document twice), so atomic operators alone do not keep the aggregates exact there. A keyed
 * mutex orders changes inside this process; a lease document with a unique _id orders them
 * between instances.
 */
@Injectable()
export class RatingLockRepository {
  private readonly local = new KeyedMutex();
  private readonly owner = randomUUID();

  /** Waiting longer than the caller's own timeout would only do work nobody waits for. */
  private readonly waitMs: number;

  constructor(
    @InjectModel(RatingLock.name) private readonly model: Model<RatingLock>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.waitMs = config.resilience.callTimeoutMs;
  }

  withLock<T>(movieId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(movieId, async () => {
      await this.acquire(movieId);
      try {
        return await work();
      } finally {
        await this.model.deleteOne({ _id: movieId, owner: this.owner }).exec();
      }
    });
  }

  private async acquire(movieId: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.model.create({ _id: movieId, owner: this.owner, expiresAt: new Date(Date.now() + LEASE_MS) });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // A lease left by a crashed instance expires.
      await this.model.deleteOne({ _id: movieId, expiresAt: mongoose.trusted({ $lt: new Date() }) }).exec();
      if (Date.now() > deadline) throw AppError.unavailable('The movie is busy, try again', 1);
      await sleep(Math.min(50, 2 + attempt * 3) * (0.5 + Math.random()));
    }
  }
}
