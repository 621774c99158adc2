import type { core } from 'zod/mini';

/** One invalid field, as the problem body's `errors` list shows it: `{ field: 'items[0].quantity', message }`. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** `['items', 0, 'quantity']` -> `items[0].quantity`; the empty path is the whole body. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out || '(body)';
}

/** Zod issues as field errors; an unknown key (a typo like `idempotency_key`) is named on its own. */
export function fieldErrorsOf(issues: readonly core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: fieldPath(issue.path), message: issue.message }],
  );
}

/** Error text for a wrong type that says "is required" when the field is absent. */
export function expected(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) };
}
