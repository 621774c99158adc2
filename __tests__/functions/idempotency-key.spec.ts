import { IDEMPOTENCY_KEY_FIELD, IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../../functions/orders/idempotency-key';

/** The key and where it came from, or the fields an error names. */
function keyOf(header: string | null, body?: string) {
  const result = idempotencyKeyOf(header, body);
  return result.ok ? { key: result.key, source: result.source } : { fields: result.errors.map((e) => e.field) };
}

describe('idempotencyKeyOf', () => {
  it('takes the header, bare or as an RFC 8941 string, and unescapes the string', () => {
    expect(keyOf('checkout-42')).toEqual({ key: 'checkout-42', source: IDEMPOTENCY_KEY_HEADER });
    expect(keyOf('"checkout-42"')).toEqual({ key: 'checkout-42', source: IDEMPOTENCY_KEY_HEADER });
    expect(keyOf('"a\\"b\\\\c"')).toEqual({ key: 'a"b\\c', source: IDEMPOTENCY_KEY_HEADER });
    expect(keyOf('"a b"')).toEqual({ key: 'a b', source: IDEMPOTENCY_KEY_HEADER });
  });

  it('takes the body field when there is no header, and both when they agree', () => {
    expect(keyOf(null, 'checkout-42')).toEqual({ key: 'checkout-42', source: IDEMPOTENCY_KEY_FIELD });
    expect(keyOf('"checkout-42"', 'checkout-42')).toEqual({ key: 'checkout-42', source: IDEMPOTENCY_KEY_HEADER });
  });

  it('names both when header and field differ, and the header when neither is sent', () => {
    expect(keyOf('checkout-42', 'checkout-43')).toEqual({ fields: [IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_FIELD] });
    expect(keyOf(null)).toEqual({ fields: [IDEMPOTENCY_KEY_HEADER] });
  });

  it.each([
    ['a quoted string with text after it', '"abc"x'],
    ['an unescaped quote inside the string', '"a"b"'],
    ['an unterminated string', '"abc'],
    ['a lone quote', '"'],
    ['a stray backslash', '"a\\b"'],
    ['an empty string', '""'],
    ['a blank key', ' '],
    ['a key with a space at the end', 'abc '],
    ['a tab', 'a\tb'],
  ])('refuses a header with %s, naming the header, even when the body field is valid', (_, header) => {
    expect(keyOf(header, 'abc')).toEqual({ fields: [IDEMPOTENCY_KEY_HEADER] });
  });
});
