import type { FastifyError } from 'fastify';
import { isDomainError, DomainError } from '../../core/errors/domain-error.js';
import { validationIssues, type ValidationIssue } from './validation-issue.js';

/**
 * Any error a request can end in, reduced to what a dialect needs to answer: a domain
 * error, plus the validation issues when the request did not match its schema. Errors we
 * did not foresee become INTERNAL_ERROR and are flagged for logging; their text never
 * reaches the client.
 */
export interface Problem {
  readonly error: DomainError;
  readonly issues: readonly ValidationIssue[];
  readonly unexpected: boolean;
}

const FASTIFY_CODES: Readonly<Record<string, DomainError['code']>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  // The router's own refusals (see answerFrameworkError).
  FST_ERR_MAX_PARAM_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
};

/** What the router's refusals say: Fastify's own messages repeat the whole path. */
const FASTIFY_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than any id or key can be.',
  FST_ERR_BAD_URL: 'The URL is not valid (a malformed percent-encoding).',
};

export function toProblem(error: unknown): Problem {
  if (isDomainError(error)) {
    // A service's own field problems (an invalid phone number) read like schema failures.
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String),
      code: 'custom',
      message: issue.message,
      missing: false,
    }));
    return { error, issues, unexpected: false };
  }
  const issues = validationIssues(error);
  if (issues !== undefined) {
    return {
      error: new DomainError('BAD_REQUEST', { message: 'The request does not match the schema.' }),
      issues,
      unexpected: false,
    };
  }
  if (isFastifyError(error)) {
    const code = FASTIFY_CODES[error.code];
    if (code !== undefined)
      return {
        error: new DomainError(code, { message: FASTIFY_MESSAGES[error.code] ?? error.message }),
        issues: [],
        unexpected: false,
      };
    if (error.statusCode === 400 && error.name === 'SyntaxError') {
      return {
        error: new DomainError('BAD_REQUEST', { message: 'The body is not valid JSON.' }),
        issues: [],
        unexpected: false,
      };
    }
    if (error.statusCode === 429)
      return { error: new DomainError('RATE_LIMITED'), issues: [], unexpected: false };
    if (error.statusCode === 413)
      return { error: new DomainError('PAYLOAD_TOO_LARGE'), issues: [], unexpected: false };
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return {
        error: new DomainError('BAD_REQUEST', { message: error.message }),
        issues: [],
        unexpected: false,
      };
    }
  }
  return {
    error: new DomainError('INTERNAL_ERROR', { cause: error }),
    issues: [],
    unexpected: true,
  };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}
