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
  /** How many more invalid fields there were than `errors` lists (absent when it lists them all). */
  readonly errorsOmitted?: number;
}

/**
 * At most this many field errors in one answer, each field name cut to MAX_LISTED_FIELD_LENGTH: field
 * names can come from the client (unknown keys), and a 49 KB body with 5,000 unknown keys otherwise
 * got a 254 KB answer. The first ones are enough to fix a request; `errorsOmitted` counts the rest.
 */
export const MAX_LISTED_ERRORS = 20;
export const MAX_LISTED_FIELD_LENGTH = 100;

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    jsonBody: problem,
  };
}

export function validationProblem(title: string, detail: string, errors: readonly FieldError[], status = 400): HttpResponseInit {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map(({ field, message }) => ({
    field: field.length > MAX_LISTED_FIELD_LENGTH ? `${field.slice(0, MAX_LISTED_FIELD_LENGTH)}...` : field,
    message,
  }));
  const omitted = errors.length - listed.length;
  return problemResponse({ type: 'urn:problem:orders:invalid-request', title, status, detail, errors: listed, ...(omitted > 0 ? { errorsOmitted: omitted } : {}) });
}

/** 503 with `Retry-After`: the request was fine, a dependency (or the configuration) was not. */
export function unavailableProblem(title: string, detail: string): HttpResponseInit {
  return problemResponse(
    { type: 'urn:problem:orders:service-unavailable', title, status: 503, detail },
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
