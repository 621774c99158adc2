import { ORDER_SCHEMA_VERSION, type AcceptedOrder } from '../../functions/orders/order-message';

/** When the sample was accepted. */
export const SAMPLE_ACCEPTED_AT = new Date('2026-03-01T10:00:00Z');

/**
 * The sample order (functions/samples/order.json) as the producer puts it on the queue, written out
 * instead of built by the producer's code: a suite of the queue or the store then tests its own code
 * and still loads when a rule of the producer breaks (it would fail to run, which mutation testing
 * counts as neither killed nor survived). order-message.spec.ts checks the producer builds exactly this.
 */
export function acceptedSample(orderId = '3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70'): AcceptedOrder {
  return {
    schemaVersion: ORDER_SCHEMA_VERSION,
    orderId,
    customerId: 'cust-1001',
    currency: 'EUR',
    items: [
      { sku: 'BOOK-42', quantity: 2, unitPrice: 12.5 },
      { sku: 'MUG-7', quantity: 1, unitPrice: 8.99 },
    ],
    // 2 x 12.50 + 8.99 EUR, in cents.
    totalMinorUnits: 3399,
    acceptedAt: SAMPLE_ACCEPTED_AT.toISOString(),
  };
}
