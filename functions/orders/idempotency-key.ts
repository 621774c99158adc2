import type { FieldError } from './field-errors';
import { IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_RULE } from './order-fields';

/**
 * The idempotency key of `POST /api/orders`, REQUIRED: without one, a client that retries after a
 * timeout (or after a 503 whose outcome is unknown) creates a second order. It follows the IETF
 * httpapi draft "The Idempotency-Key HTTP Header Field": the standard `Idempotency-Key` header, a
 * missing key is a 400, a key reused with a different request is a 422 (submit-order.ts). The body
 * field `idempotencyKey` is accepted as well (the sample order and older clients send it); when both
 * are sent they must agree.
 *
 * The draft makes the header a Structured Field string (RFC 8941, `Idempotency-Key: "abc"`); many
 * clients send a bare token (`Idempotency-Key: abc`). Both are accepted and mean the same key.
 */

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_FIELD = 'idempotencyKey';

export type IdempotencyKeyResult =
  | { readonly ok: true; readonly key: string; readonly source: typeof IDEMPOTENCY_KEY_HEADER | typeof IDEMPOTENCY_KEY_FIELD }
  | { readonly ok: false; readonly errors: FieldError[] };

/**
 * The key of a request from its header value (`null` when absent) and its body field (already
 * checked against IDEMPOTENCY_KEY by the body schema, so only presence matters here).
 */
export function idempotencyKeyOf(headerValue: string | null, bodyField: string | undefined): IdempotencyKeyResult {
  const header = headerValue === null ? undefined : headerKey(headerValue);
  if (header !== undefined && !header.ok) return { ok: false, errors: [{ field: IDEMPOTENCY_KEY_HEADER, message: header.message }] };
  if (header?.ok && bodyField !== undefined && header.key !== bodyField) {
    const message = `${IDEMPOTENCY_KEY_HEADER} header and ${IDEMPOTENCY_KEY_FIELD} field differ: send one key, or the same in both`;
    return {
      ok: false,
      errors: [
        { field: IDEMPOTENCY_KEY_HEADER, message },
        { field: IDEMPOTENCY_KEY_FIELD, message },
      ],
    };
  }
  if (header?.ok) return { ok: true, key: header.key, source: IDEMPOTENCY_KEY_HEADER };
  if (bodyField !== undefined) return { ok: true, key: bodyField, source: IDEMPOTENCY_KEY_FIELD };
  return {
    ok: false,
    errors: [
      {
        field: IDEMPOTENCY_KEY_HEADER,
        message: `is required (or the ${IDEMPOTENCY_KEY_FIELD} field): a unique key per order, reused for each retry of it`,
      },
    ],
  };
}

/** A header value as a key: an RFC 8941 string (quoted, `\"` and `\\` escaped) or a bare value. */
function headerKey(value: string): { ok: true; key: string } | { ok: false; message: string } {
  let key = value;
  if (value.startsWith('"')) {
    const match = /^"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*)"$/.exec(value);
    if (!match) return { ok: false, message: 'must be a valid quoted string (RFC 8941) or a bare key' };
    key = match[1].replace(/\\(["\\])/g, '$1');
  }
  return IDEMPOTENCY_KEY.test(key) ? { ok: true, key } : { ok: false, message: IDEMPOTENCY_KEY_RULE };
}
