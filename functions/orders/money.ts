import { minorUnitDigits } from './currency';

/**
 * Money arrives as JSON numbers in major units (12.5 EUR) and is computed in integer minor units
 * (1250 cents), so totals never pick up floating-point error (0.1 + 0.2). The conversion reads the
 * number's shortest decimal form, which is exactly what the client wrote.
 */

/** Decimal places in the shortest decimal form of a finite, non-negative number. */
export function decimalPlaces(value: number): number {
  const [mantissa, exponent] = String(value).split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent ?? 0));
}

/** `amount` (major units, at most `digits` decimals) as an integer count of minor units. */
export function toMinorUnits(amount: number, digits: number): number {
  if (decimalPlaces(amount) > digits) {
    throw new RangeError(`${amount} has more than ${digits} decimal places`);
  }
  // toFixed is exact here: the value has at most `digits` decimals and stays far below 2^53.
  const [whole, fraction = ''] = amount.toFixed(digits).split('.');
  return Number(whole) * 10 ** digits + Number(fraction);
}

export interface PricedItem {
  readonly quantity: number;
  readonly unitPrice: number;
}

/** The order total in the currency's minor units. */
export function totalMinorUnits(currency: string, items: readonly PricedItem[]): number {
  const digits = minorUnitDigits(currency);
  const total = items.reduce((sum, item) => sum + item.quantity * toMinorUnits(item.unitPrice, digits), 0);
  if (!Number.isSafeInteger(total)) throw new RangeError(`order total ${total} is not exactly representable`);
  return total;
}
