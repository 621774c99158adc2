/**
 * IPv4 CIDR ranges, for validating the virtual network's address space and subnets at synth: four
 * operations (parse, contain, overlap, size), so a small module of our own rather than a dependency.
 * Azure refuses a prefix whose address has host bits set ("10.0.0.5/24"), so parsing does too.
 */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly first: number;
  /** The last address of the range (broadcast), as an unsigned 32-bit number. */
  readonly last: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
  /** As written, e.g. `10.60.0.0/25`. */
  readonly text: string;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why a string is not a canonical IPv4 CIDR range, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = IPV4_CIDR.exec(text);
  if (!m) return 'expected an IPv4 range in CIDR notation, e.g. 10.60.0.0/24';
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o, i) => o > 255 || String(o) !== m[i + 1])) return 'expected four octets 0-255 without leading zeros';
  if (prefix > 32) return 'expected a prefix length from 0 to 32';
  const address = toNumber(octets);
  if (address % size(prefix) !== 0)
    return `expected the range's network address (${toText(address - (address % size(prefix)))}/${prefix}): Azure refuses host bits in a prefix`;
  return undefined;
}

/** Parses a canonical IPv4 CIDR range; throws on anything else (check with `cidrProblem` first). */
export function parseCidr(text: string): Cidr {
  const problem = cidrProblem(text);
  if (problem) throw new Error(`'${text}': ${problem}`);
  const [address, prefix] = text.split('/');
  const first = toNumber(address.split('.').map(Number));
  return { first, last: first + size(Number(prefix)) - 1, prefix: Number(prefix), text };
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

/** Whether two ranges share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Number of addresses in the range. */
export function addressCount(cidr: Cidr): number {
  return size(cidr.prefix);
}

function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

function toNumber(octets: number[]): number {
  return octets.reduce((n, o) => n * 256 + o, 0);
}

function toText(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
