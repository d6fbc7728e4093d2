import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { CfModel, Neighbour } from '../engine/item-cf.util';
import { Build, BuildRecord } from './build.schema';
import { Similarity } from './similarity.schema';

const CHUNK = 500;

/** The recommendation service's own database: the stored item-item similarities of the latest build. */
@Injectable()
export class ModelRepository {
  constructor(
    @InjectModel(Similarity.name) private readonly similarities: Model<Similarity>,
    @InjectModel(Build.name) private readonly builds: Model<Build>,
  ) {}

  /** Writes the new build beside the old one, then switches to it and drops the old one (no transactions needed). */
  async save(buildId: string, model: CfModel, builtAt: Date, ms: number): Promise<void> {
    const docs = [...model.neighbours.entries()].map(([movieId, neighbours]) => ({ buildId, movieId, neighbours }));
    for (let i = 0; i < docs.length; i += CHUNK) await this.similarities.insertMany(docs.slice(i, i + CHUNK), { lean: true });
    await this.builds.create({
      _id: buildId,
      builtAt,
      users: model.users,
      movies: model.movies,
      ratings: model.ratings,
      ms,
      popular: model.popular.slice(0, 1000),
    });
    await this.builds.deleteMany({ _id: mongoose.trusted({ $ne: buildId }) }).exec();
    await this.similarities.deleteMany({ buildId: mongoose.trusted({ $ne: buildId }) }).exec();
  }

  /** The newest stored build, so a restart answers at once instead of waiting for a rebuild. */
  async latest(): Promise<{ model: CfModel; builtAt: Date } | null> {
    const build = await this.builds.findOne().sort({ builtAt: -1 }).lean<BuildRecord>().exec();
    if (!build) return null;
    const rows = await this.similarities.find({ buildId: build._id }).lean<Similarity[]>().exec();
    const neighbours = new Map<string, Neighbour[]>(rows.map((r) => [r.movieId, r.neighbours]));
    return {
      builtAt: build.builtAt,
      model: { neighbours, popular: build.popular, users: build.users, movies: build.movies, ratings: build.ratings },
    };
  }
}
