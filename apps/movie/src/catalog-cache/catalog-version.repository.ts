import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '@app/database';
import { CatalogChangeSource } from './catalog-changes.service';
import { CatalogVersion } from './catalog-version.schema';

const ID = 'catalog';

/**
 * The catalog's shared version in the movie database. Each write sets a fresh random value rather
 * than incrementing a counter: FerretDB 1.x applies concurrent updates as read-modify-write, which
 * can lose an $inc but never turns a new random value back into one a reader has already seen.
 */
@Injectable()
export class CatalogVersionRepository implements CatalogChangeSource {
  constructor(@InjectModel(CatalogVersion.name) private readonly model: Model<CatalogVersion>) {}

  async position(): Promise<string> {
    const doc = await this.model.findById(ID, { version: 1 }).lean<CatalogVersion>().exec();
    return doc?.version ?? '';
  }

  async record(): Promise<void> {
    const set = () => this.model.updateOne({ _id: ID }, { $set: { version: randomUUID() } }, { upsert: true }).exec();
    try {
      await set();
    } catch (err) {
      // Two first writes raced to create the document: it exists now, so the update applies.
      if (!isDuplicateKey(err)) throw err;
      await set();
    }
  }
}
