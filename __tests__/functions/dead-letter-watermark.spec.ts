import { readWatermark, saveWatermark, type WatermarkEntity } from '../../functions/store/dead-letter-watermark';
import { FakeTable, tableError } from '../helpers/fake-orders-table';

const NOW = new Date('2026-03-01T11:00:00Z');
/** The stored watermark, under the key every version has used (no order id can be it: those are UUIDs). */
const storedIn = (table: FakeTable<WatermarkEntity>) => table.entities.get('dead-letter-scan/watermark');

describe('the dead-letter watermark', () => {
  it('starts before the first sequence number, then saves and reads back past 2^53, guarded by the ETag', async () => {
    const table = new FakeTable<WatermarkEntity>();
    const signal = new AbortController().signal;
    const initial = await readWatermark(table, signal);
    expect(initial).toEqual({ lastSequenceNumber: -1n });
    const big = 2n ** 60n + 1n;
    const saved = await saveWatermark(table, initial, big, NOW, signal);
    expect(storedIn(table)).toMatchObject({ lastSequenceNumber: big.toString(), updatedAt: NOW.toISOString() });
    expect(saved).toEqual({ lastSequenceNumber: big, etag: storedIn(table)!.etag });
    const read = await readWatermark(table, signal);
    expect(read).toEqual({ lastSequenceNumber: big, etag: storedIn(table)!.etag });
    const next = await saveWatermark(table, read, big + 5n, NOW, signal);
    expect(next.etag).toBe(storedIn(table)!.etag);
    // A scan that saves over what another one saved meanwhile fails.
    await expect(saveWatermark(table, read, big + 9n, NOW, signal)).rejects.toMatchObject({ statusCode: 412 });
    expect(table.signals.every((s) => s === signal)).toBe(true);
  });

  it('throws a read failure other than 404, rather than starting again from the beginning', async () => {
    const table = new FakeTable<WatermarkEntity>();
    table.failNext('getEntity', tableError(503));
    await expect(readWatermark(table, new AbortController().signal)).rejects.toMatchObject({ statusCode: 503 });
  });
});
