/** Stable error codes: clients match on these, never on messages. */
export enum ErrorCode {
  INTERNAL = 1000,
  VALIDATION = 1001,
  MALFORMED_JSON = 1002,
  PAYLOAD_TOO_LARGE = 1003,
  UNSUPPORTED_MEDIA_TYPE = 1004,
  ROUTE_NOT_FOUND = 1005,
  INVALID_ID = 1006,
  BAD_REQUEST = 1007,
  UNAUTHORIZED = 1100,
  FORBIDDEN = 1101,
  TOO_MANY_REQUESTS = 1102,
  INVALID_CREDENTIALS = 1103,
  /** A message between services without a valid service credential (SERVICE_SECRET). */
  SERVICE_UNAUTHENTICATED = 1104,
  NOT_FOUND = 1200,
  CONFLICT = 1201,
  SERVICE_UNAVAILABLE = 1300,
  UPSTREAM_TIMEOUT = 1301,
  DATABASE_UNAVAILABLE = 1302,
}

const DEFAULT_CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.TOO_MANY_REQUESTS,
  503: ErrorCode.SERVICE_UNAVAILABLE,
  504: ErrorCode.UPSTREAM_TIMEOUT,
};

export function codeForStatus(status: number): ErrorCode {
  return DEFAULT_CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST);
}
