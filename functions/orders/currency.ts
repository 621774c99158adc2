/**
 * ISO 4217 currencies as the runtime's ICU data knows them (Node ships full ICU), and their minor
 * units: JPY has 0 decimals, EUR 2, BHD 3. Computed once per currency and cached.
 */

const ISO_4217_CODE = /^[A-Z]{3}$/;

let known: ReadonlySet<string> | undefined;

/** True for an uppercase three-letter code that `Intl.supportedValuesOf('currency')` lists. */
export function isSupportedCurrency(code: string): boolean {
  known ??= new Set(Intl.supportedValuesOf('currency'));
  return ISO_4217_CODE.test(code) && known.has(code);
}

const minorUnitsCache = new Map<string, number>();

/** Decimal places of the currency's minor unit (the cents of EUR). */
export function minorUnitDigits(currency: string): number {
  let digits = minorUnitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorUnitsCache.set(currency, digits);
  }
  return digits;
}
