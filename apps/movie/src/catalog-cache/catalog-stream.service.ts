import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventBus } from '@app/events';
import { CatalogChangeSource } from './catalog-changes.service';

interface CatalogWritten {
  /** The instance that wrote: it dropped its own answers already. */
  by: string;
}

/**
 * The `catalog` stream: every instance publishes one event per write (bursts share one) before acknowledging it, and
 * every other instance drops its cached answers when the event arrives. The stream's newest position is the shared
 * version that bounds staleness (CatalogChanges checks it while reads come): a cached answer is served only while a
 * check that started less than `stalenessMs` ago found no position this instance has not seen.
 */
@Injectable()
export class CatalogStreamSource extends CatalogChangeSource {
  private readonly instance = randomUUID();

  constructor(private readonly bus: EventBus) {
    super();
  }

  async position(): Promise<string> {
    const { epoch, last } = await this.bus.state('catalog');
    return `${epoch}/${last}`;
  }

  async record(): Promise<void> {
    await this.bus.publish('catalog', 'written', { by: this.instance } satisfies CatalogWritten);
  }

  async watch(changed: () => void): Promise<() => Promise<void>> {
    const subscription = await this.bus.follow<CatalogWritten>('catalog', { from: 'new', ack: 'each' }, (e) => {
      if (e.data.by !== this.instance) changed();
    });
    return () => subscription.stop();
  }
}
