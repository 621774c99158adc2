import * as z from 'zod/mini';
import { isSupportedCurrency } from './currency';
import { expected } from './field-errors';

/**
 * Field rules shared by the order API (what a client may send) and the queue message (what the
 * consumer accepts), so both sides validate an order the same way. zod/mini instead of zod: the same
 * engine, about 70 KB less in the bundle and its source map (measured with esbuild).
 */

export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 10_000;
/**
 * In major units. With MAX_ITEMS and MAX_QUANTITY it keeps every total below 2^53 minor units for
 * currencies of up to 3 decimals (10^15); larger totals are refused by `totalRangeErrors`.
 */
export const MAX_UNIT_PRICE = 1_000_000;

/** Letters, digits, `_`, `.`, `-`; starts with a letter or digit. No `:` (see ORDER_ID_NAME_SEPARATOR). */
export const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const SKU = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/**
 * An idempotency key: 1 to 128 printable ASCII characters, neither starting nor ending with a space,
 * so a blank key or a copy with a stray space cannot pass for a key of its own.
 */
export const IDEMPOTENCY_KEY = /^[\x21-\x7E](?:[\x20-\x7E]{0,126}[\x21-\x7E])?$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 128 printable ASCII characters, not starting or ending with a space';

export const customerIdField = z
  .string(expected('a string'))
  .check(z.regex(CUSTOMER_ID, 'must be 1 to 64 characters: letters, digits, "_", "." or "-", starting with a letter or digit'));

export const currencyField = z
  .string(expected('a string'))
  .check(
    z.refine(
      isSupportedCurrency,
      'must be an ISO 4217 currency code in upper case with a minor unit, such as "EUR" (funds, metals and testing codes are not accepted)',
    ),
  );

/** Optional in the body: the key may come in the `Idempotency-Key` header instead (idempotency-key.ts). */
export const idempotencyKeyField = z.optional(z.string(expected('a string')).check(z.regex(IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_RULE)));

const itemShape = {
  sku: z
    .string(expected('a string'))
    .check(z.regex(SKU, 'must be 1 to 64 characters: letters, digits, "_", "." or "-", starting with a letter or digit')),
  quantity: z
    .int(expected('a whole number'))
    .check(z.positive('must be at least 1'), z.lte(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`)),
  unitPrice: z
    .number(expected('a number'))
    .check(z.gte(0, 'must not be negative'), z.lte(MAX_UNIT_PRICE, `must be at most ${MAX_UNIT_PRICE}`)),
};

export const itemsField = z
  .array(z.strictObject(itemShape), expected('an array of items'))
  .check(z.minLength(1, 'must contain at least one item'), z.maxLength(MAX_ITEMS, `must contain at most ${MAX_ITEMS} items`));

export type OrderItem = z.infer<typeof itemsField>[number];
