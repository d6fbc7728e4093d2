import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

/**
 * A capability switch for writes. FerretDB on SQLite has one writer at a time: concurrent writes wait for the
 * SQLite lock with back-off, and 50 concurrent single-document writes take several times as long as the same 50
 * one after another. On FerretDB this process therefore sends its writes one at a time, in arrival order; on
 * MongoDB (many writers) they go straight through. It is a queue inside this process, not a lock: nothing
 * outlives the process, and reads never wait.
 */
@Injectable()
export class WriteGate implements OnApplicationBootstrap {
  private readonly logger = new Logger('WriteGate');
  private serial = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const info = await this.connection.db!.admin().command({ buildInfo: 1 });
      this.serial = info.ferretdbVersion !== undefined;
    } catch (err) {
      this.logger.warn(`Could not tell the database engine (${(err as Error).message}): writes go straight through`);
    }
  }

  run<T>(write: () => Promise<T>): Promise<T> {
    if (!this.serial) return write();
    const result = this.tail.then(write, write);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
