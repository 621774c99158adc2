import * as z from 'zod/mini';
import { minorUnitDigits } from './currency';
import { fieldErrorsOf, type FieldError } from './field-errors';
import { decimalPlaces, toMinorUnits, type PricedItem } from './money';
import { currencyField, customerIdField, idempotencyKeyField, itemsField } from './order-fields';

/** The body of `POST /api/orders`. Unknown fields are rejected, so a typo like `idempotency_key` cannot pass unnoticed. */
const orderRequestSchema = z.strictObject({
  customerId: customerIdField,
  currency: currencyField,
  items: itemsField,
  idempotencyKey: idempotencyKeyField,
});

export type OrderRequest = z.infer<typeof orderRequestSchema>;

export type OrderRequestResult =
  | { readonly ok: true; readonly order: OrderRequest }
  | { readonly ok: false; readonly notAnObject: boolean; readonly errors: FieldError[] };

export function parseOrderRequest(body: unknown): OrderRequestResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, notAnObject: true, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const parsed = orderRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, notAnObject: false, errors: fieldErrorsOf(parsed.error.issues) };
  const crossField = crossFieldErrors(parsed.data);
  const errors = crossField.length > 0 ? crossField : freeOrderErrors(parsed.data);
  return errors.length > 0 ? { ok: false, notAnObject: false, errors } : { ok: true, order: parsed.data };
}

/**
 * A new order must cost something: a total of 0 is refused (400 naming items). The payment step
 * captures the total, and a capture of 0 is not a payment (card schemes treat a zero authorisation as
 * a card check); an order where every price is 0 is far more often a client that lost its prices than
 * a real free order. A free item in a paid order is fine. The API's rule only: the consumer still
 * processes zero-total messages that earlier versions accepted.
 */
export function freeOrderErrors(order: { readonly items: readonly PricedItem[] }): FieldError[] {
  return order.items.every((item) => item.unitPrice === 0)
    ? [{ field: 'items', message: 'must add up to more than 0 (every unit price is 0)' }]
    : [];
}

/**
 * The rules across fields, checked after the field rules (one rule per check), by the API and the
 * consumer alike: prices no more precise than the currency's minor unit, then a total that is an
 * exact integer of minor units.
 */
export function crossFieldErrors(order: { readonly currency: string; readonly items: readonly PricedItem[] }): FieldError[] {
  const scale = priceScaleErrors(order);
  return scale.length > 0 ? scale : totalRangeErrors(order);
}

/**
 * Cross-field rule, checked after the field rules (one rule per check): a unit price may not be
 * more precise than the currency's minor unit (12.345 EUR is not a price).
 */
export function priceScaleErrors(order: { readonly currency: string; readonly items: readonly PricedItem[] }): FieldError[] {
  const digits = minorUnitDigits(order.currency);
  return order.items.flatMap((item, index) =>
    decimalPlaces(item.unitPrice) > digits
      ? [{ field: `items[${index}].unitPrice`, message: `must have at most ${digits} decimal places for ${order.currency}` }]
      : [],
  );
}

/**
 * The total must be a safe integer of minor units (below 2^53), or it cannot be computed exactly.
 * MAX_UNIT_PRICE x MAX_QUANTITY x MAX_ITEMS keeps it so for currencies of up to 3 decimals; with 4
 * (UYW) the largest orders would pass 2^53 and are refused here, never rounded.
 */
export function totalRangeErrors(order: { readonly currency: string; readonly items: readonly PricedItem[] }): FieldError[] {
  const digits = minorUnitDigits(order.currency);
  const total = order.items.reduce((sum, item) => sum + item.quantity * toMinorUnits(item.unitPrice, digits), 0);
  return Number.isSafeInteger(total)
    ? []
    : [{ field: 'items', message: `must add up to less than ${Number.MAX_SAFE_INTEGER + 1} minor units of ${order.currency} (2^53)` }];
}
