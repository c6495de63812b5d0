import type { Problem } from './problem.js';

export interface ErrorResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One API dialect's way of spelling errors. Routes never build error bodies: they throw
 * domain errors, and the dialect that owns the route maps them here, in one place.
 */
export interface ErrorDialect {
  readonly name: string;
  toResponse(problem: Problem, requestId: string): ErrorResponse;
}
