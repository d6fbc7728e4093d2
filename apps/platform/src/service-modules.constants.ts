import { DynamicModule } from '@nestjs/common';
import { AppConfig, ServiceName } from '@app/config';
import { AuthModule } from '../../auth/src/auth.module';
import { MovieModule } from '../../movie/src/movie.module';
import { RecommendationModule } from '../../recommendation/src/recommendation.module';
import { UserModule } from '../../user/src/user.module';

/** One-process mode runs every service's own root module, each behind its transport. */
export const SERVICE_MODULES: Record<ServiceName, (config: AppConfig) => DynamicModule> = {
  auth: (config) => AuthModule.register(config),
  user: (config) => UserModule.register(config),
  movie: (config) => MovieModule.register(config),
  recommendation: (config) => RecommendationModule.register(config),
};
