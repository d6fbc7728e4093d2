import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AppError } from './app.error';
import { ErrorCode } from './error-codes.constants';
import { resolveHttpError } from './http-exception.filter';

describe('resolveHttpError', () => {
  it('keeps an AppError status, code, message and Retry-After', () => {
    expect(resolveHttpError(new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, 'down', undefined, 4))).toEqual({
      status: 503,
      body: { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'down' },
      retryAfter: 4,
    });
  });

  it('names unknown routes and malformed bodies with their own codes', () => {
    expect(resolveHttpError(new NotFoundException('Cannot GET /nope')).body.code).toBe(ErrorCode.ROUTE_NOT_FOUND);
    expect(
      resolveHttpError(new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'")).body.code,
    ).toBe(ErrorCode.MALFORMED_JSON);
    expect(resolveHttpError(new Error('Multipart: Boundary not found'))).toMatchObject({
      status: 400,
      body: { code: ErrorCode.BAD_REQUEST },
    });
  });

  it('never lets an unexpected fault or a server-side RPC message out', () => {
    expect(resolveHttpError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      status: 500,
      body: { code: ErrorCode.INTERNAL, message: 'Internal server error' },
    });
    expect(resolveHttpError({ status: 500, code: 1000, message: 'E11000 at repo.ts:12' }).body.message).toBe('Internal server error');
  });
});

describe('jsonDepth', () => {
  it('measures nesting without recursion and stops at the limit', () => {
    const { jsonDepth } = jest.requireActual<typeof import('./body-depth.util')>('./body-depth.util');
    expect(jsonDepth({ a: { b: [1, { c: 2 }] } }, 16)).toBe(4);
    expect(jsonDepth('text', 16)).toBe(0);
    const deep: unknown = JSON.parse('['.repeat(100000) + ']'.repeat(100000));
    expect(jsonDepth(deep, 16)).toBe(17);
  });
});
