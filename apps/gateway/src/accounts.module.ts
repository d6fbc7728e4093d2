import { Module } from '@nestjs/common';
import { IdentityModule } from './identity/identity.module';
import { V1AuthController } from './v1/auth/v1-auth.controller';
import { V1UsersController } from './v1/users/v1-users.controller';
import { V2AuthController } from './v2/auth/v2-auth.controller';
import { V2UsersController } from './v2/users/v2-users.controller';

/** Accounts and tokens over HTTP: the original v1 routes and the v2 API, on the user and auth services. */
@Module({
  imports: [IdentityModule],
  controllers: [V1AuthController, V1UsersController, V2AuthController, V2UsersController],
})
export class AccountsModule {}
