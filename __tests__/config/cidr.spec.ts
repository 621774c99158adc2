import { addressCount, cidrProblem, contains, overlaps, parseCidr } from '../../lib/config/cidr';

describe('parsing', () => {
  test.each([
    ['10.60.0.0/23', 0x0a3c0000, 0x0a3c01ff, 23],
    ['10.60.1.0/27', 0x0a3c0100, 0x0a3c011f, 27],
    ['192.168.255.255/32', 0xc0a8ffff, 0xc0a8ffff, 32],
    ['0.0.0.0/0', 0, 0xffffffff, 0],
  ])('%s spans its first to last address', (text, first, last, prefix) => {
    expect(parseCidr(text)).toEqual({ first, last, prefix, text });
  });

  test.each([
    ['10.60.0.0', /CIDR notation/],
    ['10.60.0.0/33', /prefix length/],
    ['10.256.0.0/16', /octets 0-255/],
    ['10.060.0.0/16', /without leading zeros/],
    ['fd00::/8', /IPv4/],
    [' 10.0.0.0/8', /CIDR notation/],
  ])('%s is refused', (text, problem) => {
    expect(cidrProblem(text)).toMatch(problem);
    expect(() => parseCidr(text)).toThrow(problem);
  });

  test('host bits set are refused, naming the network address Azure would want', () => {
    expect(cidrProblem('10.60.0.5/24')).toMatch(/10\.60\.0\.0\/24/);
    expect(cidrProblem('10.60.0.128/25')).toBeUndefined();
    expect(cidrProblem('10.60.0.64/25')).toMatch(/10\.60\.0\.0\/25/);
  });
});

describe('relations and size', () => {
  // Parsed before the tests, not as the file loads: a broken parser then fails them instead of the file.
  let space: ReturnType<typeof parseCidr>;
  beforeAll(() => {
    space = parseCidr('10.60.0.0/23');
  });
  test('containment includes both edges and nothing beyond', () => {
    expect(contains(space, parseCidr('10.60.0.0/25'))).toBe(true);
    expect(contains(space, parseCidr('10.60.1.224/27'))).toBe(true);
    expect(contains(space, space)).toBe(true);
    expect(contains(space, parseCidr('10.60.2.0/27'))).toBe(false);
    expect(contains(space, parseCidr('10.60.0.0/22'))).toBe(false);
  });

  test('overlap: adjacent ranges do not overlap, nested and partial ones do', () => {
    expect(overlaps(parseCidr('10.60.0.0/25'), parseCidr('10.60.0.128/25'))).toBe(false);
    expect(overlaps(parseCidr('10.60.0.0/24'), parseCidr('10.60.0.128/25'))).toBe(true);
    expect(overlaps(parseCidr('10.60.0.128/25'), parseCidr('10.60.0.0/24'))).toBe(true);
    expect(overlaps(parseCidr('10.60.0.0/32'), parseCidr('10.60.0.0/32'))).toBe(true);
  });

  test('addresses per prefix', () => {
    expect([28, 27, 26, 25, 24].map((p) => addressCount(parseCidr(`10.0.0.0/${p}`)))).toEqual([16, 32, 64, 128, 256]);
  });
});
