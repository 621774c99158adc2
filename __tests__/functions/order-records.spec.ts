import {
  claimOrder,
  findOrder,
  markProcessed,
  MAX_FAILURE_REASON_LENGTH,
  readOrder,
  recordFailure,
  releaseClaim,
  takeOverClaim,
  type OrderEntity,
} from '../../functions/store/order-records';
import { FakeOrdersTable, tableError } from '../helpers/fake-orders-table';
import { acceptedSample, SAMPLE_FINGERPRINT } from '../helpers/orders';

const NOW = new Date('2026-03-01T10:00:05Z');
const order = acceptedSample();
const fingerprint = SAMPLE_FINGERPRINT;
const claimBy = (owner: string, expiresAt = new Date(NOW.getTime() + 45_000)) => ({ owner, expiresAt, requestFingerprint: fingerprint });
/** The order's stored entity, under the key every version has used: the order id and row key `order`. */
const storedIn = (table: FakeOrdersTable) => table.entities.get(`${order.orderId}/order`);
const failure = (reason = 'rejected', failedAt = NOW) => ({ failedBy: 'dead-letter-queue' as const, reason, failedAt });

describe('the orders table records', () => {
  it('claims an order with an insert under its id and row key order; a second claim gets the first record', async () => {
    const table = new FakeOrdersTable();
    const signal = new AbortController().signal;
    expect(await claimOrder(table, order, claimBy('inv-a'), signal)).toMatchObject({
      claimed: true,
      record: { status: 'processing', claimOwner: 'inv-a' },
    });
    expect(await claimOrder(table, order, claimBy('inv-b'), signal)).toMatchObject({ claimed: false, record: { claimOwner: 'inv-a' } });
    expect(storedIn(table)).toMatchObject({ status: 'processing', claimOwner: 'inv-a', requestFingerprint: fingerprint });
    // Every call carries the caller's abort signal, so a deadline stops the SDK call too.
    expect(table.signals).toEqual([signal, signal, signal]);
  });

  it('takes over a claim with a merge guarded by the ETag, and answers undefined when another delivery changed the record first', async () => {
    const table = new FakeOrdersTable();
    const signal = new AbortController().signal;
    const { record } = await claimOrder(table, order, claimBy('inv-a'), signal);
    const failed = await recordFailure(table, order, fingerprint, failure('x', new Date(NOW.getTime() + 60_000)), signal);
    expect(failed).toBe('recorded');
    const current = await readOrder(table, order.orderId, signal);
    const taken = await takeOverClaim(table, current, claimBy('inv-b'), signal);
    expect(taken).toMatchObject({ status: 'processing', claimOwner: 'inv-b', etag: storedIn(table)!.etag });
    expect(storedIn(table)).toMatchObject({ status: 'processing', claimOwner: 'inv-b' });
    expect(await takeOverClaim(table, record, claimBy('inv-c'), signal)).toBeUndefined();
    expect(table.signals.every((s) => s === signal)).toBe(true);
  });

  it('throws any other failure of a takeover, a release or a marking, instead of reading it as a lost race', async () => {
    const table = new FakeOrdersTable();
    const signal = new AbortController().signal;
    const { record } = await claimOrder(table, order, claimBy('inv-a'), signal);
    table.failNext('updateEntity', tableError(500), tableError(500), tableError(500));
    await expect(takeOverClaim(table, record, claimBy('inv-b'), signal)).rejects.toMatchObject({ statusCode: 500 });
    await expect(releaseClaim(table, record, NOW, signal)).rejects.toMatchObject({ statusCode: 500 });
    await expect(markProcessed(table, record, NOW, signal)).rejects.toMatchObject({ statusCode: 500 });
  });

  it('releases a claim by ending it now, and says false when the record changed meanwhile', async () => {
    const table = new FakeOrdersTable();
    const signal = new AbortController().signal;
    const { record } = await claimOrder(table, order, claimBy('inv-a'), signal);
    expect(await releaseClaim(table, record, NOW, signal)).toBe(true);
    expect(storedIn(table)).toMatchObject({ claimExpiresAt: NOW.toISOString(), status: 'processing' });
    expect(await releaseClaim(table, record, NOW, signal)).toBe(false);
  });

  it('marks an order processed and answers the record as stored; after a lost race, the record the winner left', async () => {
    const table = new FakeOrdersTable();
    const signal = new AbortController().signal;
    const { record } = await claimOrder(table, order, claimBy('inv-a'), signal);
    const done = await markProcessed(table, record, NOW, signal);
    expect(done).toMatchObject({ status: 'processed', processedAt: NOW.toISOString(), etag: storedIn(table)!.etag });
    expect(await markProcessed(table, record, new Date(NOW.getTime() + 1), signal)).toMatchObject({
      status: 'processed',
      processedAt: NOW.toISOString(),
    });
  });

  describe('recordFailure', () => {
    it('creates the record in failed, keeping a reason of up to 500 characters and cutting a longer one', async () => {
      const table = new FakeOrdersTable();
      const signal = new AbortController().signal;
      const longest = 'r'.repeat(MAX_FAILURE_REASON_LENGTH);
      expect(await recordFailure(table, order, fingerprint, failure(longest), signal)).toBe('recorded');
      expect(storedIn(table)).toMatchObject({
        status: 'failed',
        failedBy: 'dead-letter-queue',
        failedAt: NOW.toISOString(),
        failureReason: longest,
        requestFingerprint: fingerprint,
      });
      expect(table.signals).toEqual([signal]);

      const other = new FakeOrdersTable();
      await recordFailure(other, order, fingerprint, failure(`${longest}!`), signal);
      expect(storedIn(other)!.failureReason).toBe(`${'r'.repeat(MAX_FAILURE_REASON_LENGTH - 3)}...`);
    });

    it('leaves a failed record as it is: the first reason is the one an operator needs', async () => {
      const table = new FakeOrdersTable();
      const signal = new AbortController().signal;
      await recordFailure(table, order, fingerprint, failure('first'), signal);
      expect(await recordFailure(table, order, fingerprint, failure('second'), signal)).toBe('already-failed');
      expect(storedIn(table)!.failureReason).toBe('first');
    });

    it('turns a processing record into failed once its claim has expired (at the moment it expires), or when it has none', async () => {
      for (const entity of [
        { claimExpiresAt: NOW.toISOString() },
        { claimExpiresAt: new Date(NOW.getTime() - 1).toISOString() },
        { claimExpiresAt: undefined, claimOwner: undefined },
      ]) {
        const table = new FakeOrdersTable();
        const signal = new AbortController().signal;
        const { record } = await claimOrder(table, order, claimBy('inv-a'), signal);
        await table.updateEntity({ partitionKey: order.orderId, rowKey: 'order', ...(entity as Partial<OrderEntity>) }, 'Merge', {
          etag: record.etag,
        });
        if (entity.claimExpiresAt === undefined) {
          // A record of an earlier version: no claim at all.
          const { claimExpiresAt: _, claimOwner: __, ...legacy } = storedIn(table)!;
          table.entities.set(`${order.orderId}/order`, legacy as typeof legacy & { etag: string });
        }
        expect([entity, await recordFailure(table, order, fingerprint, failure('late'), signal)]).toEqual([entity, 'recorded']);
        expect(storedIn(table)).toMatchObject({ status: 'failed', failureReason: 'late' });
      }
    });

    it('leaves a live claim alone, and reads again when the record changes between its read and its merge', async () => {
      const table = new FakeOrdersTable();
      const signal = new AbortController().signal;
      await claimOrder(table, order, claimBy('inv-a', new Date(NOW.getTime() + 1)), signal);
      expect(await recordFailure(table, order, fingerprint, failure(), signal)).toBe('claimed');
      expect(storedIn(table)!.status).toBe('processing');

      const racing = new FakeOrdersTable();
      const { record } = await claimOrder(racing, order, claimBy('inv-a', NOW), signal);
      racing.failNext('updateEntity', tableError(412));
      expect(await recordFailure(racing, order, fingerprint, failure(), signal)).toBe('recorded');
      expect(storedIn(racing)).toMatchObject({ status: 'failed' });
      expect(storedIn(racing)!.etag).not.toBe(record.etag);

      const broken = new FakeOrdersTable();
      await claimOrder(broken, order, claimBy('inv-a', NOW), signal);
      broken.failNext('updateEntity', tableError(500));
      await expect(recordFailure(broken, order, fingerprint, failure(), signal)).rejects.toMatchObject({ statusCode: 500 });
    });
  });

  it('finds no record for an unknown order, and throws any other read failure', async () => {
    const table = new FakeOrdersTable();
    const signal = new AbortController().signal;
    expect(await findOrder(table, order.orderId, signal)).toBeUndefined();
    table.failNext('getEntity', tableError(503));
    await expect(findOrder(table, order.orderId, signal)).rejects.toMatchObject({ statusCode: 503 });
    expect(table.signals).toEqual([signal, signal]);
  });
});
