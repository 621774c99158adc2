import { buildAcceptedOrder, validateOrderMessage } from '../../functions/orders/order-message';
import { parseOrderRequest } from '../../functions/orders/order-request';
import { sampleOrder } from '../helpers/invocation';
import { acceptedSample, SAMPLE_ACCEPTED_AT } from '../helpers/orders';

describe('the order message', () => {
  it('is what the producer builds from the sample order: the total in minor units, the acceptance time, no idempotency key', () => {
    const parsed = parseOrderRequest(sampleOrder());
    if (!parsed.ok) throw new Error(`the sample order is invalid: ${JSON.stringify(parsed.errors)}`);
    const order = acceptedSample('0b7e4c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d');
    expect(buildAcceptedOrder(parsed.order, order.orderId, SAMPLE_ACCEPTED_AT)).toEqual(order);
    expect(order).toMatchObject({
      schemaVersion: 1,
      currency: 'EUR',
      totalMinorUnits: 2 * 1250 + 899,
      acceptedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(order).not.toHaveProperty('idempotencyKey');
  });

  it('validates what the producer builds, also after a JSON round trip', () => {
    const order = acceptedSample();
    expect(validateOrderMessage(JSON.parse(JSON.stringify(order)))).toEqual({ ok: true, order });
  });

  it('names the invalid fields of a broken message', () => {
    const result = validateOrderMessage({ ...acceptedSample(), orderId: 'nope', items: [] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/orderId must be a UUID/);
    expect(!result.ok && result.reason).toMatch(/items must contain at least one item/);
  });

  it.each([
    ['a string', 'hello'],
    ['a number', 123],
    ['null', null],
  ])('rejects a body that is %s (the host JSON-parses strings)', (_, body) => {
    expect(validateOrderMessage(body).ok).toBe(false);
  });

  it('detects a total that does not match the items, and still says whose order the message states', () => {
    const result = validateOrderMessage({ ...acceptedSample(), totalMinorUnits: 1 });
    expect(result).toEqual({
      ok: false,
      reason: 'total mismatch: message says 1, items add up to 3399 minor units of EUR',
      order: { ...acceptedSample(), totalMinorUnits: 1 },
    });
  });

  it('states no order for a message whose fields are malformed', () => {
    const result = validateOrderMessage({ ...acceptedSample(), items: 'none' });
    expect(result.ok).toBe(false);
    expect(result.order).toBeUndefined();
  });

  it('ignores fields it does not know (a producer may add one first)', () => {
    expect(validateOrderMessage({ ...acceptedSample(), channel: 'web' }).ok).toBe(true);
  });

  it('takes an acceptedAt with a UTC offset, and refuses one that is no date-time', () => {
    expect(validateOrderMessage({ ...acceptedSample(), acceptedAt: '2026-03-01T11:00:00+01:00' }).ok).toBe(true);
    expect(validateOrderMessage({ ...acceptedSample(), acceptedAt: '1 March 2026' }).ok).toBe(false);
  });

  it('states whose order it is when only a price is too precise for the currency', () => {
    const result = validateOrderMessage({
      ...acceptedSample(),
      items: [{ sku: 'A', quantity: 1, unitPrice: 12.345 }],
      totalMinorUnits: 1235,
    });
    expect(result).toMatchObject({ ok: false, order: { orderId: acceptedSample().orderId, currency: 'EUR' } });
  });

  it('refuses another schema version and a total that is not a whole number of minor units', () => {
    expect(validateOrderMessage({ ...acceptedSample(), schemaVersion: 2 }).ok).toBe(false);
    expect(validateOrderMessage({ ...acceptedSample(), totalMinorUnits: 3399.5 }).ok).toBe(false);
    expect(validateOrderMessage({ ...acceptedSample(), totalMinorUnits: -3399 }).ok).toBe(false);
  });
});
