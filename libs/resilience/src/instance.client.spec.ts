import { TaskCancelledError } from 'cockatiel';
import { withinDeadline } from './instance.client';

describe('withinDeadline', () => {
  it('answers as the call does, and abandons nothing once it answered', async () => {
    const abandon = jest.fn();
    await expect(withinDeadline(1000, async (onAbandon) => (onAbandon(abandon), 'answer'))).resolves.toBe('answer');
    const plain = { status: 404, message: 'Nothing here' };
    const failing = async (onAbandon: (a: () => void) => void) => {
      onAbandon(abandon);
      // RPC errors arrive as plain objects.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw plain;
    };
    await expect(withinDeadline(1000, failing)).rejects.toBe(plain);
    await new Promise((r) => setTimeout(r, 20));
    expect(abandon).not.toHaveBeenCalled();
  });

  it('rejects with a TaskCancelledError at the deadline and abandons the call', async () => {
    const abandon = jest.fn();
    const started = Date.now();
    const late = withinDeadline(30, (onAbandon) => {
      onAbandon(abandon);
      return new Promise<string>((resolve) => setTimeout(() => resolve('too late'), 200));
    });
    await expect(late).rejects.toBeInstanceOf(TaskCancelledError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(abandon).toHaveBeenCalledTimes(1);
  });

  it('turns a call that throws before it starts into a rejection', async () => {
    const broken = new Error('no client');
    await expect(
      withinDeadline(1000, () => {
        throw broken;
      }),
    ).rejects.toBe(broken);
  });
});
