import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { WriteGateModule } from '../database/write-gate.module';
import { Change, ChangeSchema } from './change.schema';
import { ChangeFeedService } from './change-feed.service';
import { ChangesHandler } from './changes.handler';
import { ChangesRepository } from './changes.repository';

/** The change feed: every movie and rating change, read by position (docs/services.md, "Change feed"). */
@Module({
  imports: [WriteGateModule, MongooseModule.forFeature([{ name: Change.name, schema: ChangeSchema }])],
  controllers: [ChangesHandler],
  providers: [ChangesRepository, ChangeFeedService],
  exports: [ChangeFeedService],
})
export class ChangesModule {}
