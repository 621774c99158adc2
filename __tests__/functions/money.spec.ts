import { decimalPlaces, toMinorUnits, totalMinorUnits } from '../../functions/orders/money';

describe('money in minor units', () => {
  it('counts the decimals a client wrote, including exponent forms', () => {
    expect(decimalPlaces(12)).toBe(0);
    expect(decimalPlaces(12.5)).toBe(1);
    expect(decimalPlaces(8.99)).toBe(2);
    expect(decimalPlaces(1e-7)).toBe(7);
    expect(decimalPlaces(1.5e-5)).toBe(6);
    expect(decimalPlaces(2e21)).toBe(0);
  });

  it('converts without floating-point error', () => {
    expect(toMinorUnits(19.99, 2)).toBe(1999); // 19.99 * 100 is 1998.9999999999998 in floating point
    expect(toMinorUnits(0.1, 2)).toBe(10);
    expect(toMinorUnits(1.005, 3)).toBe(1005);
    expect(toMinorUnits(500, 0)).toBe(500);
    expect(toMinorUnits(7.5, 3)).toBe(7500);
    expect(toMinorUnits(0, 2)).toBe(0);
    expect(() => toMinorUnits(1.005, 2)).toThrow(RangeError);
  });

  it('totals quantity x price per currency', () => {
    const items = [
      { quantity: 2, unitPrice: 12.5 },
      { quantity: 3, unitPrice: 0.1 },
      { quantity: 1, unitPrice: 8.99 },
    ];
    expect(totalMinorUnits('EUR', items)).toBe(2 * 1250 + 3 * 10 + 899);
    expect(totalMinorUnits('JPY', [{ quantity: 3, unitPrice: 500 }])).toBe(1500);
    expect(totalMinorUnits('BHD', [{ quantity: 2, unitPrice: 1.234 }])).toBe(2468);
  });

  it('refuses a total that is not a safe integer of minor units instead of rounding it', () => {
    // 100 items x 10,000 x 1,000,000 UYW at 4 decimals: 10^16 minor units, past 2^53.
    const items = Array.from({ length: 100 }, () => ({ quantity: 10_000, unitPrice: 1_000_000 }));
    expect(() => totalMinorUnits('UYW', items)).toThrow(RangeError);
    expect(totalMinorUnits('BHD', items)).toBe(10 ** 15);
  });
});
