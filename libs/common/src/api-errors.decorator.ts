import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiParam, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from './error-codes.constants';

/** The `{code, message}` body of every error answer (see ErrorBody); documented once and referenced by every operation. */
export class ErrorResponse {
  @ApiProperty({
    type: 'integer',
    description: 'Stable error code: clients match on it, never on the message',
    example: ErrorCode.VALIDATION,
  })
  code!: number;

  @ApiProperty({ description: 'What went wrong, for people', example: 'limit must not be greater than 100' })
  message!: string;

  @ApiPropertyOptional({ type: [String], description: 'Every validation failure, when there was more than one thing wrong' })
  details?: string[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: malformed JSON or id, or a field that fails validation',
  401: 'Missing, invalid or expired token, or wrong credentials',
  403: 'The caller lacks the role or ownership this needs',
  404: 'No such resource',
  409: 'Conflicts with existing data (e.g. a name already taken)',
  413: 'Request body too large',
  414: 'URI too long',
  415: 'Unsupported content type',
  429: 'Too many attempts: wait for Retry-After seconds',
  431: 'Request headers too large',
  500: 'Internal server error (no details are given)',
  503: 'A service it needs is unavailable (breaker open) or the gateway is shutting down: retry after Retry-After seconds',
  504: 'A service it needs took too long',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
};

/**
 * Statuses any operation can answer: headers too large (refused before routing), a fault of ours, or a gateway that is
 * shutting down / a breaker that is open.
 */
const ALWAYS = [431, 500, 503];

/**
 * Documents the error answers of an operation, each with the shared ErrorResponse schema. Pass the statuses the route
 * itself can produce; 431, 500 and 503 are added to every operation.
 */
export function ApiErrors(...statuses: number[]) {
  const all = [...new Set([...statuses, ...ALWAYS])].sort();
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        type: ErrorResponse,
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/**
 * What a request body can add to an operation's errors besides its own validation: malformed, too large, wrong type.
 * Every POST, PUT, PATCH and DELETE has them, also those that take no body, since the body is parsed before routing.
 */
export const BODY_ERRORS = [400, 413, 415] as const;

/** The named page schema of an item type: `{items: Item[], total, page, limit}`. */
export function PageOf<T>(item: Type<T>): Type<{ items: T[]; total: number; page: number; limit: number }> {
  class PageDto {
    @ApiProperty({ type: () => [item] })
    items!: T[];

    @ApiProperty({ type: 'integer', minimum: 0, description: 'Matches in all pages' })
    total!: number;

    @ApiProperty({ type: 'integer', minimum: 1, description: '1-based page number' })
    page!: number;

    @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, description: 'Page size' })
    limit!: number;
  }
  return PageDto;
}

/** A path parameter checked by ParseObjectIdPipe: 24 hex digits, else 400 (or 414 when far too long) before anything else runs. */
export function ApiObjectIdParam(name = 'id', description = 'The id (24 hex digits)') {
  return applyDecorators(
    ApiParam({ name, description, schema: { type: 'string', pattern: '^[0-9a-fA-F]{24}$', example: '665f1c2ab3e4d5f6a7b8c9d0' } }),
    ApiResponse({ status: 414, description: DESCRIPTIONS[414], type: ErrorResponse }),
  );
}
