import { DomainError } from '../errors/domain-errors.js';

/**
 * What a log may learn about a failed store call: the operation and the driver's error code and message.
 * Driver messages name tables and constraints, never bound values; other messages (a JSON parse error
 * quotes its input) are dropped.
 */
export class StoreFailure extends Error {
  readonly operation: string;
  readonly driverCode: string | undefined;
  constructor(operation: string, driverCode: string | undefined, message: string) {
    super(message);
    this.name = 'StoreFailure';
    this.operation = operation;
    this.driverCode = driverCode;
  }
}

/**
 * Turns anything a driver throws into the one error a caller may see, `internal: store error`, with a
 * value-free `cause` for the logs. Domain errors raised on purpose pass through unchanged.
 */
export function toStoreError(
  operation: string,
  err: unknown,
  isDriverError: (err: unknown) => boolean,
): DomainError {
  if (err instanceof DomainError) return err;
  const code = typeof (err as { code?: unknown } | null)?.code === 'string' ? (err as { code: string }).code : undefined;
  const name = err instanceof Error ? err.name : typeof err;
  const message = isDriverError(err) && err instanceof Error ? err.message : name;
  const wrapped = new DomainError('internal', 'store error');
  wrapped.cause = new StoreFailure(operation, code, message);
  return wrapped;
}
