import { parseOrderRequest } from '../../functions/orders/order-request';
import { ORDER_ID_NAME_SEPARATOR } from '../../functions/orders/order-id';
import { MAX_ITEMS, MAX_QUANTITY, MAX_UNIT_PRICE } from '../../functions/orders/order-fields';
import { sampleOrder } from '../helpers/invocation';

/** The field errors for one body, as `field: message`. */
function errorsFor(body: unknown): Record<string, string> {
  const result = parseOrderRequest(body);
  if (result.ok) throw new Error('expected the order to be rejected');
  return Object.fromEntries(result.errors.map(({ field, message }) => [field, message]));
}

function withItem(item: Record<string, unknown>) {
  return { ...sampleOrder(), items: [item] };
}

describe('order request validation', () => {
  it('accepts the sample order', () => {
    const result = parseOrderRequest(sampleOrder());
    expect(result.ok && result.order.customerId).toBe('cust-1001');
  });

  it.each([null, [], 'order', 42])('rejects a body that is not an object: %p', (body) => {
    const result = parseOrderRequest(body);
    expect(result).toMatchObject({ ok: false, notAnObject: true, errors: [{ field: '(body)' }] });
  });

  it('names every missing field', () => {
    expect(errorsFor({})).toEqual({ customerId: 'is required', currency: 'is required', items: 'is required' });
  });

  it('names wrong types per field', () => {
    const errors = errorsFor({ customerId: 7, currency: ['EUR'], items: {} });
    expect(errors).toEqual({ customerId: 'must be a string', currency: 'must be a string', items: 'must be an array of items' });
  });

  it('names each invalid item field with its index', () => {
    const errors = errorsFor({
      ...sampleOrder(),
      items: [
        { sku: 'OK-1', quantity: 0, unitPrice: 1 },
        { sku: '', quantity: 1.5, unitPrice: -1 },
        { sku: 'OK-2', quantity: MAX_QUANTITY + 1, unitPrice: '3' },
      ],
    });
    expect(Object.keys(errors).sort()).toEqual([
      'items[0].quantity',
      'items[1].quantity',
      'items[1].sku',
      'items[1].unitPrice',
      'items[2].quantity',
      'items[2].unitPrice',
    ]);
    expect(errors['items[0].quantity']).toBe('must be at least 1');
    expect(errors['items[1].quantity']).toBe('must be a whole number');
    expect(errors['items[1].unitPrice']).toBe('must not be negative');
    expect(errors['items[2].quantity']).toBe(`must be at most ${MAX_QUANTITY}`);
  });

  it('rejects an order without items and one with too many', () => {
    expect(errorsFor({ ...sampleOrder(), items: [] })).toEqual({ items: 'must contain at least one item' });
    const many = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => ({ sku: `S-${i}`, quantity: 1, unitPrice: 1 }));
    expect(errorsFor({ ...sampleOrder(), items: many })).toEqual({ items: `must contain at most ${MAX_ITEMS} items` });
  });

  it('rejects unknown currencies and lower-case codes', () => {
    expect(errorsFor({ ...sampleOrder(), currency: 'XYZ' })).toHaveProperty('currency');
    expect(errorsFor({ ...sampleOrder(), currency: 'eur' })).toHaveProperty('currency');
  });

  it('rejects a price more precise than the currency allows', () => {
    expect(errorsFor({ ...withItem({ sku: 'A', quantity: 1, unitPrice: 1.5 }), currency: 'JPY' })).toEqual({
      'items[0].unitPrice': 'must have at most 0 decimal places for JPY',
    });
    expect(errorsFor(withItem({ sku: 'A', quantity: 1, unitPrice: 12.345 }))).toEqual({
      'items[0].unitPrice': 'must have at most 2 decimal places for EUR',
    });
    expect(parseOrderRequest({ ...withItem({ sku: 'A', quantity: 1, unitPrice: 12.345 }), currency: 'BHD' }).ok).toBe(true);
  });

  it('rejects an order whose total is 0, but not a free item in a paid order (issue 7, finding 10)', () => {
    expect(
      errorsFor({
        ...sampleOrder(),
        items: [
          { sku: 'A', quantity: 2, unitPrice: 0 },
          { sku: 'B', quantity: 1, unitPrice: 0 },
        ],
      }),
    ).toEqual({
      items: 'must add up to more than 0 (every unit price is 0)',
    });
    expect(
      parseOrderRequest({
        ...sampleOrder(),
        items: [
          { sku: 'A', quantity: 1, unitPrice: 0 },
          { sku: 'B', quantity: 1, unitPrice: 5 },
        ],
      }).ok,
    ).toBe(true);
  });

  it('rejects unknown fields, so a typo cannot pass silently', () => {
    const { idempotencyKey, ...rest } = sampleOrder();
    expect(errorsFor({ ...rest, idempotency_key: idempotencyKey })).toEqual({ idempotency_key: 'is not a known field' });
    expect(errorsFor(withItem({ sku: 'A', quantity: 1, unitPrice: 1, qty: 2 }))).toEqual({ 'items[0].qty': 'is not a known field' });
  });

  it('keeps customer ids to a conservative charset without the order-id separator', () => {
    expect(errorsFor({ ...sampleOrder(), customerId: `a${ORDER_ID_NAME_SEPARATOR}b` })).toHaveProperty('customerId');
    expect(errorsFor({ ...sampleOrder(), customerId: 'x'.repeat(65) })).toHaveProperty('customerId');
    expect(errorsFor({ ...sampleOrder(), customerId: 'ünïcode' })).toHaveProperty('customerId');
  });

  it('accepts printable idempotency keys of 1 to 128 characters only', () => {
    expect(parseOrderRequest({ ...sampleOrder(), idempotencyKey: 'k'.repeat(128) }).ok).toBe(true);
    expect(errorsFor({ ...sampleOrder(), idempotencyKey: 'k'.repeat(129) })).toHaveProperty('idempotencyKey');
    expect(errorsFor({ ...sampleOrder(), idempotencyKey: '' })).toHaveProperty('idempotencyKey');
    expect(errorsFor({ ...sampleOrder(), idempotencyKey: 'tab\there' })).toHaveProperty('idempotencyKey');
    // Blank, or with a stray space at either end: never a key of its own (issue 7, finding 10).
    for (const key of ['   ', ' k', 'k ']) expect(errorsFor({ ...sampleOrder(), idempotencyKey: key })).toHaveProperty('idempotencyKey');
    expect(parseOrderRequest({ ...sampleOrder(), idempotencyKey: 'a b' }).ok).toBe(true);
  });

  it('accepts the largest allowed values and the smallest, and refuses one past them', () => {
    const many = Array.from({ length: MAX_ITEMS }, (_, i) => ({ sku: `S-${i}`, quantity: MAX_QUANTITY, unitPrice: MAX_UNIT_PRICE }));
    expect(parseOrderRequest({ ...sampleOrder(), items: many }).ok).toBe(true);
    expect(parseOrderRequest(withItem({ sku: 'A', quantity: 1, unitPrice: 0.01 })).ok).toBe(true);
    expect(errorsFor(withItem({ sku: 'A', quantity: 1, unitPrice: MAX_UNIT_PRICE + 0.01 }))).toHaveProperty(['items[0].unitPrice']);
  });

  it.each([
    ['customerId', 'x'],
    ['customerId', 'x'.repeat(64)],
    ['customerId', 'C.1_a-b'],
  ])('accepts %s %p (1 to 64 characters of the charset)', (field, value) => {
    expect(parseOrderRequest({ ...sampleOrder(), [field]: value }).ok).toBe(true);
  });

  it.each(['-cust', '.cust', 'cust!', 'cust 1', ' cust', 'cust\n'])(
    'rejects the customer id %p: junk at either end is not part of an id',
    (customerId) => {
      expect(Object.keys(errorsFor({ ...sampleOrder(), customerId }))).toEqual(['customerId']);
    },
  );

  it('accepts SKUs of 1 to 64 characters of the charset, and nothing with junk at either end', () => {
    for (const sku of ['A', 'S'.repeat(64), 'sku_1.2-x'])
      expect([sku, parseOrderRequest(withItem({ sku, quantity: 1, unitPrice: 1 })).ok]).toEqual([sku, true]);
    for (const sku of ['-SKU', '_SKU', 'SKU!', 'SKU 1', ' SKU', 'S'.repeat(65), '']) {
      expect([sku, Object.keys(errorsFor(withItem({ sku, quantity: 1, unitPrice: 1 })))]).toEqual([sku, ['items[0].sku']]);
    }
  });
});
