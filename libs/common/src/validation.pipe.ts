import { ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { AppError } from './app.error';
import { ErrorCode } from './error-codes.constants';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [
      ...own.map((m) => (m.startsWith(error.property) ? m.replace(error.property, path) : `${path}: ${m}`)),
      ...flatten(error.children ?? [], path),
    ];
  });
}

const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    return AppError.badRequest(details[0] ?? 'Invalid input', ErrorCode.VALIDATION, details);
  },
};

/** The one validation pipe used at the HTTP edge and in every RPC handler. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe(VALIDATION_OPTIONS);
}
