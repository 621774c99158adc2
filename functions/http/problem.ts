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
  readonly type: ProblemType;
  /** The type's one title (PROBLEM_TITLES): what went wrong this time is in `detail` and `errors`. */
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

/** A problem as a handler states it: its title follows from its type. */
export type ProblemOccurrence = Omit<Problem, 'title'>;

export function problemResponse(problem: ProblemOccurrence, headers: Record<string, string> = {}): HttpResponseInit {
  const { type, ...occurrence } = problem;
  const body: Problem = { type, title: PROBLEM_TITLES[type], ...occurrence };
  return {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    jsonBody: body,
  };
}

export function validationProblem(detail: string, errors: readonly FieldError[], status = 400): HttpResponseInit {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map(({ field, message }) => ({
    field: field.length > MAX_LISTED_FIELD_LENGTH ? `${field.slice(0, MAX_LISTED_FIELD_LENGTH)}...` : field,
    message,
  }));
  const omitted = errors.length - listed.length;
  return problemResponse({
    type: PROBLEM_TYPES.invalidRequest,
    status,
    detail,
    errors: listed,
    ...(omitted > 0 ? { errorsOmitted: omitted } : {}),
  });
}

/**
 * Every problem `type` the order API answers with (the contract: clients branch on these, not on
 * titles or details).
 */
export const PROBLEM_TYPES = {
  /** 400, 413, 415: the request is malformed; `errors` names each field. Nothing was accepted. */
  invalidRequest: 'urn:problem:orders:invalid-request',
  /** 422: the idempotency key was used before for a different order. Nothing was accepted. */
  idempotencyKeyReused: 'urn:problem:orders:idempotency-key-reused',
  /** 503: a dependency or the configuration failed before anything was accepted: retry. */
  serviceUnavailable: 'urn:problem:orders:service-unavailable',
  /** 503: the order was recorded but the queue did not confirm it: retry ONLY with the same key. */
  outcomeUnknown: 'urn:problem:orders:outcome-unknown',
  /** 404: no order with this id was ever accepted (neither record exists). */
  notFound: 'urn:problem:orders:not-found',
} as const;

export type ProblemType = (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES];

/**
 * The one title of each problem type. RFC 9457 (3.1.3): the title "SHOULD NOT change from occurrence
 * to occurrence of the problem"; functions/openapi.json publishes each type with its title, and the
 * tests hold every answer to it. What was wrong this time is in `detail` and `errors`.
 */
export const PROBLEM_TITLES: Readonly<Record<ProblemType, string>> = {
  [PROBLEM_TYPES.invalidRequest]: 'Invalid request',
  [PROBLEM_TYPES.idempotencyKeyReused]: 'Idempotency key reused',
  [PROBLEM_TYPES.serviceUnavailable]: 'Service unavailable',
  [PROBLEM_TYPES.outcomeUnknown]: 'Order outcome unknown',
  [PROBLEM_TYPES.notFound]: 'Order not found',
};

/** 503 with `Retry-After`: the request was fine, a dependency (or the configuration) was not. */
export function unavailableProblem(detail: string): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.serviceUnavailable, status: 503, detail }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/**
 * 503 with `Retry-After` after the accept record was written and the send failed or timed out: the
 * broker may have the message, so the order may exist. Only a retry with the same key is safe.
 */
export function outcomeUnknownProblem(keyName: string): HttpResponseInit {
  return problemResponse(
    {
      type: PROBLEM_TYPES.outcomeUnknown,
      status: 503,
      detail:
        `the order was recorded but the queue did not confirm it, so it may or may not have been accepted. ` +
        `Retry the same request with the same ${keyName}: that is the only safe retry (it is answered like the first ` +
        `and never makes a second order); a new key may create a second order`,
    },
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
