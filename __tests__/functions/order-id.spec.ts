import { ORDER_ID_NAMESPACE, canonicalOrderId, isUuid, orderIdFor, uuidV5 } from '../../functions/orders/order-id';
import { SAMPLE_ORDER_ID } from '../helpers/orders';

describe('order ids', () => {
  it('implements UUID v5 as RFC 9562 publishes it (Appendix A.4: DNS namespace, "www.example.com")', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives a client retry the same id (same customer, same idempotency key)', () => {
    const first = orderIdFor('cust-1', 'checkout-42');
    expect(orderIdFor('cust-1', 'checkout-42')).toBe(first);
    expect(first).toBe(uuidV5(ORDER_ID_NAMESPACE, 'cust-1:checkout-42'));
    expect(first[14]).toBe('5');
  });

  it('gives different customers with the same key different ids, and different keys different ids', () => {
    expect(orderIdFor('cust-2', 'checkout-42')).not.toBe(orderIdFor('cust-1', 'checkout-42'));
    expect(orderIdFor('cust-1', 'checkout-43')).not.toBe(orderIdFor('cust-1', 'checkout-42'));
  });

  it('keeps the ids of orders accepted by earlier versions (the namespace never changes)', () => {
    // Computed with the code before idempotency keys became required (ORDER_ID_NAMESPACE kept).
    expect(orderIdFor('cust-1001', 'checkout-2f9c1e7a')).toBe(SAMPLE_ORDER_ID);
  });

  it('rejects a namespace that is not a UUID', () => {
    expect(() => uuidV5('not-a-uuid', 'x')).toThrow(/not a UUID/);
  });

  it('takes a UUID in either case and nothing around it', () => {
    const id = orderIdFor('cust-1', 'checkout-42');
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
    expect(canonicalOrderId(id.toUpperCase())).toBe(id);
    for (const junk of [`${id}0`, `0${id}`, ` ${id}`, `${id}\n`, id.replace(/-/g, ''), id.slice(1)])
      expect([junk, isUuid(junk)]).toEqual([junk, false]);
  });
});
