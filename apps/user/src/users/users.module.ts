import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SecurityEventRecord, SecurityEventSchema } from '../security-events/security-event.schema';
import { SecurityEventsRepository } from '../security-events/security-events.repository';
import { SecurityEventsService } from '../security-events/security-events.service';
import { PasswordHasherService } from './password-hasher.service';
import { User, UserSchema } from './user.schema';
import { UsersHandler } from './users.handler';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: SecurityEventRecord.name, schema: SecurityEventSchema },
    ]),
  ],
  controllers: [UsersHandler],
  providers: [UsersRepository, UsersService, PasswordHasherService, SecurityEventsRepository, SecurityEventsService],
})
export class UsersModule {}
