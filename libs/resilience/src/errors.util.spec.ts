import { AppError } from '@app/common';
import { CallTimeoutError, isFailure, toCallerError } from './errors.util';

describe('failure classification', () => {
  it('treats business answers as normal replies', () => {
    for (const status of [400, 401, 403, 404, 409]) expect(isFailure({ status, code: 1, message: 'x' })).toBe(false);
  });

  it('does not count a fast database-unavailable answer against the instance', () => {
    expect(isFailure({ status: 503, code: 1302, message: 'Database unavailable' })).toBe(false);
    expect(isFailure({ status: 503, code: 1300, message: 'unavailable' })).toBe(true);
  });

  it('treats transport errors, timeouts, unknown objects and 5xx as failures', () => {
    expect(isFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isFailure(new CallTimeoutError(10))).toBe(true);
    expect(isFailure({ status: 'error', message: 'There is no matching message handler' })).toBe(true);
    expect(isFailure({ status: 500, code: 1000, message: 'boom' })).toBe(true);
  });

  it('turns failures into 503 without internals and keeps business errors', () => {
    const refused = toCallerError('movie', new Error('connect ECONNREFUSED 127.0.0.1:1'));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused.status).toBe(503);
    expect(refused.message).not.toContain('ECONNREFUSED');
    expect(toCallerError('movie', { status: 404, code: 1200, message: 'Movie not found' })).toMatchObject({
      status: 404,
      message: 'Movie not found',
    });
    expect(toCallerError('movie', { status: 500, code: 1000, message: 'stack at x.ts:1' }).message).toBe('Internal server error');
  });
});
