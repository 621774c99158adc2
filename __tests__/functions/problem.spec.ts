import {
  MAX_LISTED_ERRORS,
  MAX_LISTED_FIELD_LENGTH,
  outcomeUnknownProblem,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  RETRY_AFTER_SECONDS,
  unavailableProblem,
  validationProblem,
} from '../../functions/http/problem';
import { bodyOf, headerOf } from '../helpers/invocation';

const errors = (count: number, field = (i: number) => `f${i}`) =>
  Array.from({ length: count }, (_, i) => ({ field: field(i), message: 'm' }));

describe('problem details', () => {
  it('answers a validation problem as problem+json, never cached, 400 unless told otherwise', () => {
    const response = validationProblem('d', errors(1));
    expect([response.status, headerOf(response, 'content-type'), headerOf(response, 'cache-control')]).toEqual([
      400,
      PROBLEM_CONTENT_TYPE,
      'no-store',
    ]);
    expect(bodyOf(response)).toMatchObject({ type: PROBLEM_TYPES.invalidRequest, status: 400, errors: [{ field: 'f0' }] });
    expect(validationProblem('d', errors(1), 413).status).toBe(413);
  });

  it('lists up to 20 errors with no count of omitted ones, and counts what it leaves out past that', () => {
    const all = bodyOf(validationProblem('d', errors(MAX_LISTED_ERRORS)));
    expect(all.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(all).not.toHaveProperty('errorsOmitted');
    const more = bodyOf(validationProblem('d', errors(MAX_LISTED_ERRORS + 1)));
    expect([more.errors.length, more.errorsOmitted]).toEqual([MAX_LISTED_ERRORS, 1]);
  });

  it('keeps a field name of up to 100 characters and cuts a longer one', () => {
    const [kept, cut] = bodyOf(
      validationProblem(
        'd',
        errors(2, (i) => 'k'.repeat(MAX_LISTED_FIELD_LENGTH + i)),
      ),
    ).errors;
    expect(kept.field).toBe('k'.repeat(MAX_LISTED_FIELD_LENGTH));
    expect(cut.field).toBe(`${'k'.repeat(MAX_LISTED_FIELD_LENGTH)}...`);
  });

  it('answers 503 with Retry-After for an unavailable dependency and for an unknown outcome, each with its own type', () => {
    for (const [response, type] of [
      [unavailableProblem('d'), PROBLEM_TYPES.serviceUnavailable],
      [outcomeUnknownProblem('Idempotency-Key'), PROBLEM_TYPES.outcomeUnknown],
    ] as const) {
      expect([
        response.status,
        headerOf(response, 'retry-after'),
        headerOf(response, 'content-type'),
        bodyOf(response).type,
        bodyOf(response).status,
      ]).toEqual([503, String(RETRY_AFTER_SECONDS), PROBLEM_CONTENT_TYPE, type, 503]);
    }
  });
});
