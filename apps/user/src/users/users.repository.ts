import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import type { UserRole } from '@app/contracts';
import { User } from './user.schema';

/** A stored user as the service sees it (the hash included: it never leaves the service). */
export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: UserRole;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserChanges {
  username?: string;
  passwordHash?: string;
  role?: UserRole;
}

type LeanUser = User & { _id: Types.ObjectId };

const toRecord = (doc: LeanUser): UserRecord => ({
  id: doc._id.toHexString(),
  username: doc.username,
  passwordHash: doc.passwordHash,
  role: doc.role,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

/** Regex metacharacters in a search prefix are matched literally. */
export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** MongoDB says 11000; FerretDB's findAndModify reports SQLite's unique-constraint failure instead. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 11000 || (typeof e?.message === 'string' && /E11000|UNIQUE constraint failed/.test(e.message));
}

@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly model: Model<User>) {}

  async create(user: { username: string; passwordHash: string; role: UserRole }): Promise<UserRecord> {
    const doc = await this.model.create({ ...user, usernameLower: user.username.toLowerCase() });
    return toRecord(doc.toObject());
  }

  async findById(id: string): Promise<UserRecord | null> {
    const doc = await this.model.findById(id).lean<LeanUser>().exec();
    return doc ? toRecord(doc) : null;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const doc = await this.model.findOne({ usernameLower: username.toLowerCase() }).lean<LeanUser>().exec();
    return doc ? toRecord(doc) : null;
  }

  async list(page: number, limit: number, prefix?: string): Promise<{ items: UserRecord[]; total: number }> {
    // `trusted`: sanitizeFilter is on, and this operator is ours, built from an escaped prefix.
    const filter = prefix ? { usernameLower: trusted({ $regex: `^${escapeRegex(prefix.toLowerCase())}` }) } : {};
    const [docs, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ usernameLower: 1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<LeanUser[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items: docs.map(toRecord), total };
  }

  async update(id: string, changes: UserChanges): Promise<UserRecord | null> {
    const set: Partial<User> = { ...changes };
    if (changes.username !== undefined) set.usernameLower = changes.username.toLowerCase();
    // A taken name fails here: MongoDB says 11000, FerretDB a SQLite unique-constraint message (isDuplicateKey knows both).
    const result = await this.model.updateOne({ _id: id }, { $set: set }, { runValidators: true }).exec();
    return result.matchedCount === 1 ? this.findById(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id }).exec();
    return result.deletedCount === 1;
  }

  countAdmins(): Promise<number> {
    return this.model.countDocuments({ role: 'admin' }).exec();
  }

  count(): Promise<number> {
    return this.model.estimatedDocumentCount().exec();
  }
}
