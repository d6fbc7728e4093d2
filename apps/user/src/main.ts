import 'reflect-metadata';
import { runServiceMain } from '@app/runtime';
import { UserModule } from './user.module';

void runServiceMain('user', (config) => UserModule.register(config));
