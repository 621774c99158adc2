import { acquireClaim, ClaimHeldError, CLAIM_LEASE_MS, holdsThisBody, type AcquireClaimOptions } from '../../functions/queue/order-claim';
import { ORDER_ROW_KEY, type OrderEntity, type OrderRecord } from '../../functions/store/order-records';
import { FakeOrdersTable } from '../helpers/fake-orders-table';
import { acceptedSample, SAMPLE_FINGERPRINT } from '../helpers/orders';

const NOW = Date.parse('2026-03-01T10:00:05Z');
const order = acceptedSample();
const fingerprint = SAMPLE_FINGERPRINT;

/** acquireClaim for delivery `inv-2` on a fake table and clock; `sleep` advances the clock. */
function claimFor(table: FakeOrdersTable, options: Partial<AcquireClaimOptions> = {}) {
  const clock = { now: NOW };
  const sleeps: number[] = [];
  const outcome = acquireClaim({
    table,
    order,
    requestFingerprint: fingerprint,
    owner: 'inv-2',
    now: () => clock.now,
    budgetEndsAt: NOW + 30_000,
    sleep: async (ms) => void (sleeps.push(ms), (clock.now += ms)),
    random: () => 0.5,
    retrying: (_step, operation) => operation(new AbortController().signal),
    ...options,
  });
  return { outcome, sleeps, clock };
}

/** The record another delivery left behind. */
function stored(overrides: Partial<OrderEntity> = {}): OrderEntity {
  return {
    partitionKey: order.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processing',
    customerId: order.customerId,
    currency: order.currency,
    totalMinorUnits: order.totalMinorUnits,
    itemCount: order.items.length,
    acceptedAt: order.acceptedAt,
    requestFingerprint: fingerprint,
    claimOwner: 'inv-other',
    claimExpiresAt: new Date(NOW + CLAIM_LEASE_MS).toISOString(),
    schemaVersion: 1,
    ...overrides,
  };
}

describe('acquireClaim', () => {
  it('claims a new order: this delivery owns it, nobody was taken over', async () => {
    const table = new FakeOrdersTable();
    const { outcome } = claimFor(table);
    expect(await outcome).toMatchObject({ kind: 'claimed', tookOver: false, record: { claimOwner: 'inv-2', status: 'processing' } });
    expect(table.entities.get(`${order.orderId}/${ORDER_ROW_KEY}`)).toMatchObject({
      claimOwner: 'inv-2',
      claimExpiresAt: new Date(NOW + CLAIM_LEASE_MS).toISOString(),
    });
  });

  it('keeps its own claim, not a takeover, when it finds the record its own earlier attempt wrote', async () => {
    const table = new FakeOrdersTable();
    await table.createEntity(stored({ claimOwner: 'inv-2' }));
    const { outcome, sleeps } = claimFor(table);
    expect(await outcome).toMatchObject({ kind: 'claimed', tookOver: false });
    expect(sleeps).toEqual([]);
  });

  it('takes over a claim at the moment it expires, naming the previous owner', async () => {
    const table = new FakeOrdersTable();
    await table.createEntity(stored({ claimExpiresAt: new Date(NOW).toISOString() }));
    const { outcome, sleeps } = claimFor(table);
    expect(await outcome).toMatchObject({ kind: 'claimed', tookOver: true, previousOwner: 'inv-other', record: { claimOwner: 'inv-2' } });
    expect(sleeps).toEqual([]);
  });

  it('takes over a failed record at once, even with a claim expiry still ahead on this clock', async () => {
    const table = new FakeOrdersTable();
    await table.createEntity(stored({ status: 'failed', claimExpiresAt: new Date(NOW + 10_000).toISOString() }));
    const { outcome, sleeps } = claimFor(table);
    expect(await outcome).toMatchObject({ kind: 'claimed', tookOver: true, record: { status: 'processing', claimOwner: 'inv-2' } });
    expect(sleeps).toEqual([]);
  });

  it('waits with doubling pauses (capped) while the claim holds, never past its expiry, and without an onWait callback', async () => {
    const table = new FakeOrdersTable();
    await table.createEntity(stored({ claimExpiresAt: new Date(NOW + 5_000).toISOString() }));
    const { outcome, sleeps } = claimFor(table);
    expect(await outcome).toMatchObject({ kind: 'claimed', tookOver: true });
    // Equal jitter at 0.5 of 250, 500, 1000, 2000, 2000 ms; the last pause ends at the expiry.
    expect(sleeps).toEqual([188, 375, 750, 1_500, 1_500, 687]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(5_000);
  });

  it("names each table call it hands to the retry (the `step` of the consumer's order.retry log line)", async () => {
    const table = new FakeOrdersTable();
    await table.createEntity(stored({ claimExpiresAt: new Date(NOW + 1_000).toISOString() }));
    const steps: string[] = [];
    const { outcome, sleeps } = claimFor(table, {
      retrying: (step, operation) => (steps.push(step), operation(new AbortController().signal)),
    });
    expect(await outcome).toMatchObject({ kind: 'claimed', tookOver: true });
    expect(steps).toEqual(['claimOrder', ...sleeps.map(() => 'readClaim'), 'takeOverClaim']);
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it('throws ClaimHeldError without waiting when its budget is used up, and when a pause uses it up', async () => {
    const table = new FakeOrdersTable();
    await table.createEntity(stored());
    const spent = claimFor(table, { budgetEndsAt: NOW });
    await expect(spent.outcome).rejects.toMatchObject({
      name: 'ClaimHeldError',
      code: 'CLAIM_HELD',
      orderId: order.orderId,
      owner: 'inv-other',
    });
    expect(spent.sleeps).toEqual([]);

    const short = claimFor(table, { budgetEndsAt: NOW + 100 });
    await expect(short.outcome).rejects.toBeInstanceOf(ClaimHeldError);
    expect(short.sleeps).toEqual([100]);
  });
});

describe('holdsThisBody', () => {
  const record: OrderRecord = {
    orderId: order.orderId,
    status: 'processing',
    customerId: order.customerId,
    currency: order.currency,
    totalMinorUnits: order.totalMinorUnits,
    itemCount: order.items.length,
    acceptedAt: order.acceptedAt,
    etag: 'e',
  };

  it('compares fingerprints when the record has one', () => {
    expect(holdsThisBody({ ...record, requestFingerprint: fingerprint }, order, fingerprint)).toBe(true);
    expect(holdsThisBody({ ...record, requestFingerprint: 'f'.repeat(64) }, order, fingerprint)).toBe(false);
  });

  it('for a record without one, compares customer, currency, total and item count, each on its own', () => {
    expect(holdsThisBody(record, order, fingerprint)).toBe(true);
    for (const change of [{ customerId: 'cust-other' }, { currency: 'USD' }, { totalMinorUnits: 1 }, { itemCount: 9 }]) {
      expect([change, holdsThisBody({ ...record, ...change }, order, fingerprint)]).toEqual([change, false]);
    }
  });
});
