import { errorCatalog, type ErrorCode } from './catalog.js';

/** One problem with a field of the input, as a path and a sentence a person can act on. */
export interface FieldIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface DomainErrorOptions {
  readonly message?: string;
  readonly issues?: readonly FieldIssue[];
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * The only error type core services throw on purpose. It carries a catalog code; the
 * HTTP layer decides how each dialect spells it.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: readonly FieldIssue[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, options: DomainErrorOptions = {}) {
    super(options.message ?? errorCatalog[code].message, { cause: options.cause });
    this.code = code;
    this.status = errorCatalog[code].status;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
