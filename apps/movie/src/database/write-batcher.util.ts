/**
 * Collects the writes asked for while a batch is being stored and stores them together as the next batch (at
 * most `max` items): FerretDB on SQLite stores a batch about as fast as a single document. `write` answers each
 * item's outcome in order, a value or an Error for that item alone; if it throws, every item of the batch fails.
 */
export class WriteBatcher<I, O = void> {
  private pending: { item: I; resolve: (outcome: O) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly max: number,
    private readonly write: (items: I[]) => Promise<(O | Error)[]>,
  ) {}

  /**
   * Resolves with the item's outcome once its batch is stored. An idle batcher starts writing after the current
   * turn of the event loop, not at once: the callers woken together by the previous step (a stored batch of
   * ratings, say) then share one batch instead of the first writing alone and the rest waiting for it.
   */
  add(item: I): Promise<O> {
    const done = new Promise<O>((resolve, reject) => this.pending.push({ item, resolve, reject }));
    if (!this.writing) {
      this.writing = true;
      setImmediate(() => void this.drain());
    }
    return done;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.max);
      try {
        const outcomes = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof Error) b.reject(outcome);
          else b.resolve(outcome);
        });
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.writing = false;
  }
}
