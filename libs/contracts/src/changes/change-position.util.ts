/** `<ms since epoch, 13 digits>-<per-writer sequence, 9 digits>-<writer id>`: ids of outbox entries, time first. */
function changePosition(ms: number, seq: number, writer: string): string {
  return `${String(ms).padStart(13, '0')}-${String(seq % 1e9).padStart(9, '0')}-${writer}`;
}

/** Positions of one writer: from its clock and a sequence, never going back even if the clock does; writers never coordinate. */
export class FeedPositions {
  private lastMs = 0;
  private seq = 0;

  constructor(readonly writer: string) {}

  next(): string {
    this.lastMs = Math.max(this.lastMs, Date.now());
    return changePosition(this.lastMs, ++this.seq, this.writer);
  }
}

/** The lowest position of a moment: it sorts before every position written at or after `ms`. */
export function positionAt(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(13, '0');
}
