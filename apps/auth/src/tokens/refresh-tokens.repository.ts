import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { RefreshToken } from './refresh-token.schema';

export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  sessionStartedAt: Date | null;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

const toRecord = (doc: RefreshToken): RefreshTokenRecord => ({
  tokenHash: doc.tokenHash,
  familyId: doc.familyId,
  userId: doc.userId,
  expiresAt: doc.expiresAt,
  sessionStartedAt: doc.sessionStartedAt ?? null,
  rotatedAt: doc.rotatedAt ?? null,
  revokedAt: doc.revokedAt ?? null,
});

@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectModel(RefreshToken.name) private readonly model: Model<RefreshToken>) {}

  async insert(token: { tokenHash: string; familyId: string; userId: string; expiresAt: Date; sessionStartedAt: Date }): Promise<void> {
    await this.model.create({ ...token, rotatedAt: null, revokedAt: null });
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const doc = await this.model.findOne({ tokenHash }).lean<RefreshToken>().exec();
    return doc ? toRecord(doc) : null;
  }

  /** Marks a live token rotated; false when another request rotated or revoked it first. */
  async markRotated(tokenHash: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ tokenHash, rotatedAt: null, revokedAt: null }, { $set: { rotatedAt: at } }).exec();
    return result.modifiedCount === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.model.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: at } }).exec();
  }

  /** Every live token of the user created before `before` (a password change, a delete); `trusted`: sanitizeFilter is on. */
  async revokeUserBefore(userId: string, before: Date, at: Date): Promise<number> {
    const result = await this.model
      .updateMany({ userId, revokedAt: null, createdAt: trusted({ $lt: before }) }, { $set: { revokedAt: at } })
      .exec();
    return result.modifiedCount;
  }

  /** Housekeeping: tokens past their expiry are useless, whatever their state (`trusted`: sanitizeFilter is on). */
  async deleteExpired(before: Date): Promise<number> {
    const result = await this.model.deleteMany({ expiresAt: trusted({ $lt: before }) }).exec();
    return result.deletedCount;
  }
}
