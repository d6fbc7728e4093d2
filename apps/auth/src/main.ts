import 'reflect-metadata';
import { runServiceMain } from '@app/runtime';
import { AuthModule } from './auth.module';

void runServiceMain('auth', (config) => AuthModule.register(config));
