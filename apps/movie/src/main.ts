import 'reflect-metadata';
import { runServiceMain } from '@app/runtime';
import { MovieModule } from './movie.module';

void runServiceMain('movie', (config) => MovieModule.register(config));
