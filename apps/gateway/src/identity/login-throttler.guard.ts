import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { AppError, ErrorCode } from '@app/common';

/**
 * Login and register attempts per client IP. One bucket for every such route (the default key
 * is per route), and the answer is our `{code, message}` with Retry-After.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `login:${name}:${tracker}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(
      new AppError(429, ErrorCode.TOO_MANY_REQUESTS, 'Too many login attempts, try again later', undefined, detail.timeToBlockExpire),
    );
  }
}
