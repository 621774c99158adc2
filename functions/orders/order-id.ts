import { createHash } from 'node:crypto';

/**
 * Order ids: a name-based UUID v5 (RFC 9562 section 5.5) of the customer and the idempotency key
 * (required, see idempotency-key.ts), so a client that retries a POST gets the same order id, the
 * accept record is found again, and Service Bus duplicate detection (keyed on messageId = order id)
 * drops a second message.
 */

/** Our namespace for order ids. Changing it changes every derived id: never do that. */
export const ORDER_ID_NAMESPACE = '988fee99-e424-4163-86b7-df5c896bd451';

/**
 * Joins customer id and key. The customer id's charset excludes it, so the pair is unambiguous
 * ("a:b" + "c" can never collide with "a" + "b:c").
 */
export const ORDER_ID_NAME_SEPARATOR = ':';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * The one form an order id is stored, looked up and compared in: lower case, as `uuidV5` and
 * `randomUUID` make it. A UUID is case-insensitive (RFC 9562), so an upper-case copy of an id (a
 * hand-made or replayed message) names the same order and must not become a second one.
 */
export function canonicalOrderId(value: string): string {
  return value.toLowerCase();
}

/** UUID v5: SHA-1 of namespace bytes + UTF-8 name, with the version and variant bits set. */
export function uuidV5(namespace: string, name: string): string {
  if (!isUuid(namespace)) throw new TypeError(`namespace '${namespace}' is not a UUID`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name) // a string is hashed as UTF-8 (update's default)
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10xx (RFC 9562)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function orderIdFor(customerId: string, idempotencyKey: string): string {
  return uuidV5(ORDER_ID_NAMESPACE, `${customerId}${ORDER_ID_NAME_SEPARATOR}${idempotencyKey}`);
}
