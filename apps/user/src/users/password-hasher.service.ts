import { Injectable } from '@nestjs/common';
import { hash, Options, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 iterations, parallelism 1). `hash` and `verify` run on
 * the libuv thread pool, so the event loop stays free while a password is checked.
 */
const ARGON2_OPTIONS: Options = {
  // Algorithm.Argon2id; the enum is a `const enum` that a transpile-only build cannot inline.
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

@Injectable()
export class PasswordHasherService {
  /** Verified against when a username does not exist, so a miss costs the same time as a hit. */
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends one verification's worth of time and always fails. */
  async burn(password: string): Promise<false> {
    this.dummyHash ??= this.hash(`dummy-${Math.random()}`);
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
