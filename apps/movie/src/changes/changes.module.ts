import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { WriteGateModule } from '../database/write-gate.module';
import { Change, ChangeSchema } from './change.schema';
import { ChangeFeedService } from './change-feed.service';
import { ChangesRepository } from './changes.repository';

/** Every movie and rating change, through the outbox to the `changes` stream (docs/services.md, "Events"). */
@Module({
  imports: [WriteGateModule, MongooseModule.forFeature([{ name: Change.name, schema: ChangeSchema }])],
  providers: [ChangesRepository, ChangeFeedService],
  exports: [ChangeFeedService],
})
export class ChangesModule {}
