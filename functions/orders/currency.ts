import { ISO_4217_FUNDS, ISO_4217_MINOR_UNITS } from './iso-4217';

/**
 * Which currencies an order may be in, and their minor units, from ISO 4217 (the table in
 * iso-4217.ts, generated from ISO's own list and shipped in the package), never from the runtime's
 * display data: Node's ICU says 0 decimals for HUF, IDR, COP, PKR, IQD and others where ISO 4217 says
 * 2 or 3, and its answer changes with the ICU version. A payment step reads ISO minor units.
 *
 * Accepted: every code of ISO 4217's current list with a numeric minor unit, except funds.
 * - "N.A." codes (gold XAU, SDR XDR, the testing code XTS, "no currency" XXX, ...) have no minor
 *   unit: an amount in them cannot be written in minor units at all.
 * - Funds (CLF, USN, CHE, ...) are units of account: an amount in Unidad de Fomento is paid in
 *   Chilean pesos, so a payment in the fund code itself would fail downstream.
 */

const FUNDS = new Set(ISO_4217_FUNDS);

/**
 * True for an upper-case ISO 4217 code with a numeric minor unit that is not a fund. The table's own
 * keys are the codes (three upper-case letters), so a lookup of its own properties is the whole check.
 */
export function isSupportedCurrency(code: string): boolean {
  return Object.hasOwn(ISO_4217_MINOR_UNITS, code) && ISO_4217_MINOR_UNITS[code] !== null && !FUNDS.has(code);
}

/** Decimal places of the currency's minor unit (the cents of EUR), as ISO 4217 gives them. */
export function minorUnitDigits(currency: string): number {
  if (!isSupportedCurrency(currency)) throw new RangeError(`${currency} is not an accepted ISO 4217 currency`);
  return ISO_4217_MINOR_UNITS[currency]!;
}

/** Every accepted code (for tests and tools). */
export function supportedCurrencies(): string[] {
  return Object.keys(ISO_4217_MINOR_UNITS).filter(isSupportedCurrency);
}
