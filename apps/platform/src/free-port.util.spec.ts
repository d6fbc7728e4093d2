import { freePort } from '@app/dev-harness';
import { claimFreePort } from './free-port.util';

jest.mock('@app/dev-harness', () => ({ freePort: jest.fn() }));

describe('claimFreePort', () => {
  it('never hands out a port twice, even when the kernel offers the same free port again', async () => {
    jest
      .mocked(freePort)
      .mockResolvedValueOnce(41000)
      .mockResolvedValueOnce(41000)
      .mockResolvedValueOnce(7777)
      .mockResolvedValueOnce(41001);
    const taken = new Set([7777]);
    expect(await claimFreePort(taken)).toBe(41000);
    expect(await claimFreePort(taken)).toBe(41001);
    expect([...taken].sort()).toEqual([41000, 41001, 7777].sort());
    expect(freePort).toHaveBeenCalledTimes(4);
  });
});
