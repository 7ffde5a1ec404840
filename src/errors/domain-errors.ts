/**
 * The small set of domain errors. Each has a stable code and an HTTP status; `toErrorBody` (server) and
 * the CLI wrapper turn them into a uniform JSON body or a one-line message with an exit code.
 * Anything else that escapes is reported as `internal` without its message or stack.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'not_allowed'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'too_many_requests'
  | 'internal';

const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  not_allowed: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many_requests: 429,
  internal: 500,
};

const EXIT_CODE: Record<ErrorCode, number> = {
  invalid_input: 2,
  unauthenticated: 3,
  not_allowed: 3,
  not_found: 4,
  conflict: 5,
  too_large: 2,
  too_many_requests: 6,
  internal: 1,
};

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
  get exitCode(): number {
    return EXIT_CODE[this.code];
  }
}

export const invalidInput = (message: string, details?: unknown) => new DomainError('invalid_input', message, details);
export const notFound = (message: string) => new DomainError('not_found', message);
export const notAllowed = (message: string) => new DomainError('not_allowed', message);
export const unauthenticated = (message = 'authentication required') => new DomainError('unauthenticated', message);
export const conflict = (message: string) => new DomainError('conflict', message);
export const tooLarge = (message: string) => new DomainError('too_large', message);
/** Rate limited; `retryAfterSeconds` lets the server set `Retry-After`. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new DomainError('too_many_requests', message, { retryAfterSeconds });

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** The one mapper from any thrown value to a client-safe error body and status. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    return { status: err.httpStatus, body };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}
