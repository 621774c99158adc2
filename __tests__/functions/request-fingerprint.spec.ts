import { createHash } from 'node:crypto';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { acceptedSample, SAMPLE_FINGERPRINT } from '../helpers/orders';

const order = acceptedSample();

describe('request fingerprints', () => {
  it('is SHA-256 of the canonical JSON text, keys in a fixed order (stored records depend on this exact text)', () => {
    const canonical =
      '{"customerId":"cust-1001","currency":"EUR","items":[{"sku":"BOOK-42","quantity":2,"unitPrice":12.5},{"sku":"MUG-7","quantity":1,"unitPrice":8.99}]}';
    expect(requestFingerprint(order)).toBe(createHash('sha256').update(canonical).digest('hex'));
    // The value the other suites' fixtures state.
    expect(requestFingerprint(order)).toBe(SAMPLE_FINGERPRINT);
  });

  it('ignores key order and extra fields of the request, and how a number was written', () => {
    const shuffled = {
      items: [
        { unitPrice: 12.5, quantity: 2, sku: 'BOOK-42' },
        { quantity: 1, sku: 'MUG-7', unitPrice: JSON.parse('8.990') },
      ],
      currency: 'EUR',
      customerId: 'cust-1001',
      idempotencyKey: 'k',
    };
    expect(requestFingerprint(shuffled)).toBe(requestFingerprint(order));
  });

  it.each([
    ['another customer', { ...order, customerId: 'cust-1002' }],
    ['another currency', { ...order, currency: 'USD' }],
    ['another quantity', { ...order, items: [{ ...order.items[0], quantity: 3 }, order.items[1]] }],
    ['another price', { ...order, items: [{ ...order.items[0], unitPrice: 12.51 }, order.items[1]] }],
    ['the items in another order', { ...order, items: [order.items[1], order.items[0]] }],
    ['one item less', { ...order, items: [order.items[0]] }],
  ])('differs for %s', (_, other) => {
    expect(requestFingerprint(other)).not.toBe(requestFingerprint(order));
  });
});
