import { PipeTransform, Injectable } from '@nestjs/common';
import { AppError } from './app.error';

const OBJECT_ID_RE = /^[0-9a-f]{24}$/i;

export function assertObjectId(id: unknown): string {
  if (typeof id !== 'string' || !OBJECT_ID_RE.test(id)) throw AppError.invalidId();
  return id.toLowerCase();
}

/** Route-param pipe: a malformed id is a 400 before anything else runs. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    return assertObjectId(value);
  }
}
