import { acceptRecordOf, findAcceptRecord, markQueued, recordAcceptance, type AcceptRecord } from '../../functions/store/accepted-orders';
import { FakeAcceptedOrdersTable, tableError } from '../helpers/fake-orders-table';
import { acceptedSample, SAMPLE_FINGERPRINT } from '../helpers/orders';

const order = acceptedSample();
// Built before the tests, not as the file loads: a broken acceptRecordOf then fails them (see helpers/orders.ts).
let record: AcceptRecord;
beforeAll(() => {
  record = acceptRecordOf(order, SAMPLE_FINGERPRINT);
});
/** The stored entity, under the key every version has used: the order id and row key `accepted`. */
const storedIn = (table: FakeAcceptedOrdersTable) => table.entities.get(`${order.orderId}/accepted`);

describe('accept records', () => {
  it('inserts the record under the order id; a second request with the same id gets the stored one', async () => {
    const table = new FakeAcceptedOrdersTable();
    const signal = new AbortController().signal;
    expect(await recordAcceptance(table, record, signal)).toEqual({ created: true, record });
    expect(storedIn(table)).toMatchObject({ state: 'received', requestFingerprint: record.requestFingerprint });
    const again = await recordAcceptance(
      table,
      { ...record, acceptedAt: '2026-03-01T11:00:00.000Z', requestFingerprint: 'f'.repeat(64) },
      signal,
    );
    expect(again).toEqual({ created: false, record });
    expect(table.signals).toEqual([signal, signal, signal]);
  });

  it('throws an insert failure other than 409: nothing was accepted', async () => {
    const table = new FakeAcceptedOrdersTable();
    table.failNext('createEntity', tableError(500));
    await expect(recordAcceptance(table, record, new AbortController().signal)).rejects.toMatchObject({ statusCode: 500 });
    expect(table.calls).toEqual(['createEntity']);
  });

  it('marks a received record queued once, keeping the first confirmation time', async () => {
    const table = new FakeAcceptedOrdersTable();
    const signal = new AbortController().signal;
    await recordAcceptance(table, record, signal);
    await markQueued(table, record, new Date('2026-03-01T10:00:01Z'), signal);
    const queued = await findAcceptRecord(table, order.orderId, signal);
    expect(queued).toMatchObject({ state: 'queued', queuedAt: '2026-03-01T10:00:01.000Z' });
    const calls = table.calls.length;
    await markQueued(table, queued!, new Date('2026-03-01T10:05:00Z'), signal);
    expect(table.calls).toHaveLength(calls);
    expect(storedIn(table)!.queuedAt).toBe('2026-03-01T10:00:01.000Z');
    expect(table.signals.every((s) => s === signal)).toBe(true);
  });

  it('reads a record of version 1 (no state) as received, none for an unknown order, and throws any other failure', async () => {
    const table = new FakeAcceptedOrdersTable();
    const signal = new AbortController().signal;
    expect(await findAcceptRecord(table, order.orderId, signal)).toBeUndefined();
    const { orderId, state: _, ...v1 } = record;
    await table.createEntity({ partitionKey: orderId, rowKey: 'accepted', ...v1, schemaVersion: 1 });
    expect(await findAcceptRecord(table, order.orderId, signal)).toEqual({ ...record, schemaVersion: 1, state: 'received' });
    table.failNext('getEntity', tableError(503));
    await expect(findAcceptRecord(table, order.orderId, signal)).rejects.toMatchObject({ statusCode: 503 });
  });
});
