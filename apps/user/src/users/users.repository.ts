import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import type { UserRole } from '@app/contracts';
import { isDuplicateKey } from '@app/database';
import { User } from './user.schema';

/** A stored user as the service sees it (the hash included: it never leaves the service). */
export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: UserRole;
  sessionsEndedAt?: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserChanges {
  username?: string;
  passwordHash?: string;
  sessionsEndedAt?: number;
  role?: UserRole;
}

type LeanUser = User & { _id: Types.ObjectId };

const toRecord = (doc: LeanUser): UserRecord => ({
  id: doc._id.toHexString(),
  username: doc.username,
  passwordHash: doc.passwordHash,
  role: doc.role,
  ...(doc.sessionsEndedAt !== undefined ? { sessionsEndedAt: doc.sessionsEndedAt } : {}),
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

/** Regex metacharacters in a search prefix are matched literally. */
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The username belongs to another account, in any case (the unique index on usernameLower said so). */
export class UsernameTakenError extends Error {
  constructor() {
    super('Username is already taken');
  }
}

/** Runs a write that may hit the unique username index, turning that into UsernameTakenError. */
async function unlessTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isDuplicateKey(err)) throw new UsernameTakenError();
    throw err;
  }
}

@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly model: Model<User>) {}

  async create(user: { username: string; passwordHash: string; role: UserRole }): Promise<UserRecord> {
    const doc = await unlessTaken(() => this.model.create({ ...user, usernameLower: user.username.toLowerCase() }));
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
    const result = await unlessTaken(() => this.model.updateOne({ _id: id }, { $set: set }, { runValidators: true }).exec());
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
