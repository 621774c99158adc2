import { ORDER_SCHEMA_VERSION, type AcceptedOrder } from '../../functions/orders/order-message';
import type { OrderItem } from '../../functions/orders/order-fields';
import { sampleOrder } from './invocation';

/**
 * The sample's order id: `orderIdFor('cust-1001', 'checkout-2f9c1e7a')` (customer and idempotency key
 * of functions/samples/order.json). Written out: ids are stored, so a change of the derivation must
 * fail order-id.spec.ts, never be followed by the tests.
 */
export const SAMPLE_ORDER_ID = 'f2e4cf4f-d408-5282-b020-bcb3a80bc71f';

/** The sample's request fingerprint, written out for the same reason (request-fingerprint.spec.ts checks it). */
export const SAMPLE_FINGERPRINT = '73a3b5326258b2e84e37289de27cfea49794ccae91c97adcc46b6d5904bdd058';

/** When the sample was accepted. */
export const SAMPLE_ACCEPTED_AT = new Date('2026-03-01T10:00:00Z');

/**
 * The sample order (functions/samples/order.json) as the producer puts it on the queue: its fields
 * as the file states them, its total written out, nothing built by the producer's code: a suite of the queue or the store then tests its own code
 * and still loads when a rule of the producer breaks (it would fail to run, which mutation testing
 * counts as neither killed nor survived). order-message.spec.ts checks the producer builds exactly this.
 */
export function acceptedSample(orderId = '3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70'): AcceptedOrder {
  const { customerId, currency, items } = sampleOrder() as { customerId: string; currency: string; items: OrderItem[] };
  return {
    schemaVersion: ORDER_SCHEMA_VERSION,
    orderId,
    customerId,
    currency,
    items,
    // 2 x 12.50 + 8.99 EUR, in cents.
    totalMinorUnits: 3399,
    acceptedAt: SAMPLE_ACCEPTED_AT.toISOString(),
  };
}
