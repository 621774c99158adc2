import { fieldPath } from '../../functions/orders/field-errors';

describe('fieldPath', () => {
  it('names the whole body (body) and nested fields with dots and indexes', () => {
    expect(fieldPath([])).toBe('(body)');
    expect(fieldPath(['items', 0, 'quantity'])).toBe('items[0].quantity');
  });
});
