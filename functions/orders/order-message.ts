import * as z from 'zod/mini';
import { fieldErrorsOf } from './field-errors';
import { totalMinorUnits } from './money';
import { canonicalOrderId, isUuid } from './order-id';
import { currencyField, customerIdField, itemsField, type OrderItem } from './order-fields';
import { crossFieldErrors } from './order-request';

/**
 * The Service Bus message body of an accepted order: what the producer sends, what the consumer
 * validates, and what the dead-letter tool re-validates to show an operator why a message is poison.
 */

export const ORDER_SCHEMA_VERSION = 1;
export const ORDER_ACCEPTED_SUBJECT = 'order.accepted';

export interface AcceptedOrder {
  readonly schemaVersion: typeof ORDER_SCHEMA_VERSION;
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  /** Sum of quantity x unitPrice in the currency's minor units (cents for EUR). */
  readonly totalMinorUnits: number;
  /** ISO 8601 time the producer accepted the order. */
  readonly acceptedAt: string;
}

/** Fields the consumer does not know are ignored (not rejected), so a producer can add one before the consumer reads it. */
const acceptedOrderSchema = z.object({
  schemaVersion: z.literal(ORDER_SCHEMA_VERSION, `must be ${ORDER_SCHEMA_VERSION}`),
  orderId: z.string('must be a string').check(z.refine(isUuid, 'must be a UUID')),
  customerId: customerIdField,
  currency: currencyField,
  items: itemsField,
  totalMinorUnits: z.int('must be a whole number').check(z.gte(0, 'must not be negative')),
  acceptedAt: z.string('must be a string').check(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' })),
});

/**
 * On failure, `order` is the order as the message states it when its fields are well formed and only
 * a rule across them failed (prices too precise, a total that does not add up): the processor and
 * the dead-letter scan can then still tell whose order the message is (queue/own-message.ts).
 */
export type OrderMessageValidation =
  { readonly ok: true; readonly order: AcceptedOrder } | { readonly ok: false; readonly reason: string; readonly order?: AcceptedOrder };

/** Validates a message body (which arrives as `unknown`: docs/functions-runtime.md, 2.1) and recomputes its total. */
export function validateOrderMessage(body: unknown): OrderMessageValidation {
  const parsed = acceptedOrderSchema.safeParse(body);
  if (!parsed.success) {
    const errors = fieldErrorsOf(parsed.error.issues).map(({ field, message }) => `${field} ${message}`);
    return { ok: false, reason: `invalid order message: ${errors.join('; ')}` };
  }
  // An upper-case id names the same order (UUIDs are case-insensitive): it is recorded lower case.
  const order = { ...parsed.data, orderId: canonicalOrderId(parsed.data.orderId) } as AcceptedOrder;
  const scale = crossFieldErrors(order);
  if (scale.length > 0) {
    return { ok: false, reason: `invalid order message: ${scale.map(({ field, message }) => `${field} ${message}`).join('; ')}`, order };
  }
  const recomputed = totalMinorUnits(order.currency, order.items);
  if (recomputed !== order.totalMinorUnits) {
    return {
      ok: false,
      reason: `total mismatch: message says ${order.totalMinorUnits}, items add up to ${recomputed} minor units of ${order.currency}`,
      order,
    };
  }
  return { ok: true, order };
}

export function buildAcceptedOrder(
  order: { customerId: string; currency: string; items: readonly OrderItem[] },
  orderId: string,
  acceptedAt: Date,
): AcceptedOrder {
  return {
    schemaVersion: ORDER_SCHEMA_VERSION,
    orderId,
    customerId: order.customerId,
    currency: order.currency,
    items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    totalMinorUnits: totalMinorUnits(order.currency, order.items),
    acceptedAt: acceptedAt.toISOString(),
  };
}
