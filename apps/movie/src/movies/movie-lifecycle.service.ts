import { Injectable } from '@nestjs/common';

type Hook = (movieId: string) => Promise<unknown>;

/**
 * What other features of this service do when a movie changes or goes: they register here (ratings remove a
 * deleted movie's ratings and recompute an edited movie's aggregate), so the movies feature never imports them.
 */
@Injectable()
export class MovieLifecycle {
  private readonly onChanged: Hook[] = [];
  private readonly onDeleted: Hook[] = [];

  whenChanged(hook: Hook): void {
    this.onChanged.push(hook);
  }

  whenDeleted(hook: Hook): void {
    this.onDeleted.push(hook);
  }

  /** Runs every hook of an edited movie without waiting (they repair derived fields). */
  changed(movieId: string): void {
    for (const hook of this.onChanged) void hook(movieId).catch(() => undefined);
  }

  /** Resolves once every hook of a deleted movie has finished. */
  async deleted(movieId: string): Promise<void> {
    await Promise.all(this.onDeleted.map((hook) => hook(movieId)));
  }
}
