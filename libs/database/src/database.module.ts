import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { tracingOn } from '@app/observability';
import { traceCommands } from './command-tracing.util';
import { APP_CONFIG, AppConfig } from '@app/config';

// Filters built from user input can never smuggle query operators in.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

function databaseName(config: AppConfig, service: string): string {
  return `${config.mongo.dbPrefix}_${service}`;
}

/** The mongoose connection of one service, to its own database on the configured server. */
@Module({})
export class DatabaseModule {
  static forService(service: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            uri: config.mongo.uri,
            dbName: databaseName(config, service),
            ...(config.mongo.user ? { user: config.mongo.user, pass: config.mongo.password } : {}),
            serverSelectionTimeoutMS: 1500,
            socketTimeoutMS: 30000,
            heartbeatFrequencyMS: 2000,
            maxPoolSize: 20,
            // Fail requests quickly while the database is away instead of queueing them.
            bufferTimeoutMS: 1500,
            // At start-up the database may still be coming up.
            retryAttempts: 10,
            retryDelay: 500,
            // Tracing on: the driver reports each command, and each becomes a span of the request that sent it.
            ...(tracingOn()
              ? {
                  monitorCommands: true,
                  connectionFactory: (connection: Connection) => {
                    traceCommands(connection.getClient());
                    return connection;
                  },
                }
              : {}),
          }),
        }),
      ],
      exports: [MongooseModule],
    };
  }
}
