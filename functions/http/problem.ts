import type { HttpResponseInit } from '@azure/functions';
import type { FieldError } from '../orders/field-errors';

/**
 * Error responses as RFC 9457 problem details (`application/problem+json`): a machine-readable
 * `type`, a human `title` and `detail`, and for validation failures `errors` naming each field.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

export interface Problem {
  /** A stable identifier of the kind of problem (a URN: no documentation site to link yet). */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    jsonBody: problem,
  };
}

export function validationProblem(title: string, detail: string, errors: readonly FieldError[], status = 400): HttpResponseInit {
  return problemResponse({ type: 'urn:problem:orders:invalid-request', title, status, detail, errors });
}

/** 503 with `Retry-After`: the request was fine, a dependency (or the configuration) was not. */
export function unavailableProblem(title: string, detail: string): HttpResponseInit {
  return problemResponse(
    { type: 'urn:problem:orders:service-unavailable', title, status: 503, detail },
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
