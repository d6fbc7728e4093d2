import 'reflect-metadata';
import { runServiceMain } from '@app/runtime';
import { RecommendationModule } from './recommendation.module';

void runServiceMain('recommendation', (config) => RecommendationModule.register(config));
