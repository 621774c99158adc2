import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { attributeMessage } from '../../functions/queue/own-message';
import { acceptRecordOf, type AcceptRecord } from '../../functions/store/accepted-orders';
import { acceptedSample, SAMPLE_FINGERPRINT } from '../helpers/orders';

describe('attributeMessage', () => {
  const order = acceptedSample();
  // Built before the tests, not as the file loads: a broken acceptRecordOf then fails them (see helpers/orders.ts).
  let accepted: AcceptRecord;
  beforeAll(() => {
    accepted = acceptRecordOf(order, SAMPLE_FINGERPRINT);
  });

  it("takes the accepted body with the accepted acceptedAt as the order's own, and one without an accept record", () => {
    expect(attributeMessage(order, accepted)).toEqual({ own: true, order, fingerprint: requestFingerprint(order) });
    expect(attributeMessage(order, undefined)).toEqual({ own: true, order, fingerprint: requestFingerprint(order) });
  });

  it('ties no malformed message, other body or other acceptedAt to the order', () => {
    expect(attributeMessage(undefined, accepted)).toMatchObject({ own: false, why: expect.any(String) });
    expect(attributeMessage(undefined, undefined)).toMatchObject({ own: false });
    expect(attributeMessage({ ...order, customerId: 'cust-other' }, accepted)).toMatchObject({ own: false, why: expect.any(String) });
    expect(attributeMessage({ ...order, acceptedAt: '2026-03-01T10:00:01.000Z' }, accepted)).toMatchObject({
      own: false,
      why: expect.any(String),
    });
  });
});
