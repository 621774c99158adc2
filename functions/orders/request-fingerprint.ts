import { createHash } from 'node:crypto';
import type { OrderItem } from './order-fields';

/**
 * The fingerprint of an order request: SHA-256 (hex) of a canonical JSON text of what the order is:
 * `{"customerId":...,"currency":...,"items":[{"sku":...,"quantity":...,"unitPrice":...},...]}`, keys in
 * that order, items in the order given, numbers as JSON writes them (the shortest form that reads back
 * as the same number, so 12.5 and 12.50 are one price). The producer stores it with the accept record;
 * a retry under the same idempotency key must have the same fingerprint (else 422), and the consumer
 * compares the message body's fingerprint with the accept record's and the claim's, so an order is
 * never recorded or resumed with a body other than the one accepted.
 *
 * Changing this text changes every fingerprint: stored records would no longer match. Never do that
 * without a new accept-record schema version.
 */
export function requestFingerprint(order: {
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
}): string {
  const canonical = JSON.stringify({
    customerId: order.customerId,
    currency: order.currency,
    items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
  });
  // A string is hashed as UTF-8 (update's default).
  return createHash('sha256').update(canonical).digest('hex');
}
