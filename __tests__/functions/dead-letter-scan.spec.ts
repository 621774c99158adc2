import {
  createDeadLetterScanHandler,
  DEAD_LETTER_SCAN_SCHEDULE,
  type DeadLetter,
  type DeadLetterBrowser,
} from '../../functions/queue/dead-letter-scan';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { acceptRecordOf, ACCEPT_RECORD_ROW_KEY } from '../../functions/store/accepted-orders';
import { WATERMARK_PARTITION_KEY, WATERMARK_ROW_KEY, type WatermarkEntity } from '../../functions/store/dead-letter-watermark';
import { ORDER_ROW_KEY, type OrderEntity } from '../../functions/store/order-records';
import { FakeAcceptedOrdersTable, FakeOrdersTable, FakeTable, tableError } from '../helpers/fake-orders-table';
import { logEvents, logFields, logText, testContext } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

const NOW = new Date('2026-03-01T11:00:00Z');
const ORDER_IDS = ['3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70', '4a1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f71', '5b1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f72'];

/** A dead-letter queue double at the peek boundary: letters by sequence number, peeks recorded. */
function browser(letters: DeadLetter[]): DeadLetterBrowser & { peeks: Array<[bigint, number]>; failNext?: Error } {
  const double = {
    peeks: [] as Array<[bigint, number]>,
    failNext: undefined as Error | undefined,
    async peek(from: bigint, max: number) {
      double.peeks.push([from, max]);
      if (double.failNext) throw double.failNext;
      return letters
        .filter((l) => BigInt(l.sequenceNumber) >= from)
        .slice(0, max)
        .map((l) => ({ ...l }));
    },
  };
  return double;
}

function letterOf(orderId: string, sequenceNumber: number, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    sequenceNumber: String(sequenceNumber),
    messageId: orderId,
    body: acceptedSample(orderId),
    deadLetterReason: 'MaxDeliveryCountExceeded',
    deadLetterErrorDescription: 'Message could not be consumed after 10 delivery attempts.',
    ...overrides,
  };
}

async function setup(letters: DeadLetter[], options: { pageSize?: number; budgetMs?: number; clock?: () => Date } = {}) {
  const orders = new FakeOrdersTable();
  const accepts = new FakeAcceptedOrdersTable();
  const watermarks = new FakeTable<WatermarkEntity>();
  for (const id of ORDER_IDS) {
    const order = acceptedSample(id);
    const { orderId, ...fields } = acceptRecordOf(order, requestFingerprint(order));
    await accepts.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields });
  }
  const dlq = browser(letters);
  const scan = createDeadLetterScanHandler({
    deadLetters: () => dlq,
    ordersTable: () => orders,
    acceptedOrders: () => accepts,
    watermarks: () => watermarks,
    now: options.clock ?? (() => NOW),
    pageSize: options.pageSize,
    budgetMs: options.budgetMs,
  });
  const watermark = () => watermarks.entities.get(`${WATERMARK_PARTITION_KEY}/${WATERMARK_ROW_KEY}`)?.lastSequenceNumber;
  const record = (id: string) => orders.entities.get(`${id}/${ORDER_ROW_KEY}`);
  return { orders, accepts, watermarks, dlq, scan, watermark, record };
}

describe('the dead-letter scan', () => {
  it('runs every minute, at second 0 (NCRONTAB with seconds; README "Dead letters")', () => {
    expect(DEAD_LETTER_SCAN_SCHEDULE).toBe('0 * * * * *');
  });

  it('records each dead-lettered order as failed with the reason and description, page by page, and keeps its place', async () => {
    const { dlq, scan, watermark, record } = await setup(
      [
        letterOf(ORDER_IDS[0], 11),
        letterOf(ORDER_IDS[1], 12),
        letterOf(ORDER_IDS[2], 15, { deadLetterReason: 'TTLExpiredException', deadLetterErrorDescription: undefined }),
      ],
      { pageSize: 2 },
    );
    const { context, logs } = testContext();
    const result = await scan({}, context);

    expect(result).toMatchObject({ letters: 3, outcomes: { recorded: 3 }, fromSequenceNumber: 0n, watermark: 15n });
    expect(dlq.peeks).toEqual([
      [0n, 2],
      [13n, 2],
      [16n, 2],
    ]);
    expect(watermark()).toBe('15');
    expect(record(ORDER_IDS[0])).toMatchObject({
      status: 'failed',
      failedBy: 'dead-letter-queue',
      failedAt: NOW.toISOString(),
      failureReason:
        'dead-lettered by Service Bus: MaxDeliveryCountExceeded (Message could not be consumed after 10 delivery attempts.); dead-letter sequence number 11',
    });
    expect(record(ORDER_IDS[2])?.failureReason).toMatch(
      /^dead-lettered by Service Bus: TTLExpiredException; dead-letter sequence number 15$/,
    );
    expect(logFields(logs, 'dead-letter.scan')).toEqual([{ letters: '3', from: '0', watermark: '15', recorded: '3' }]);
    expect(logEvents(logs)).toEqual(['dead-letter.recorded', 'dead-letter.recorded', 'dead-letter.recorded', 'dead-letter.scan']);
    expect(logFields(logs, 'dead-letter.recorded')).toEqual([{ outcome: 'recorded' }, { outcome: 'recorded' }, { outcome: 'recorded' }]);

    // The next run starts after the watermark and changes nothing.
    const next = testContext();
    const again = await scan({}, next.context);
    expect(again).toMatchObject({ letters: 0, fromSequenceNumber: 16n, watermark: 15n });
    expect(logFields(next.logs, 'dead-letter.scan')).toEqual([{ letters: '0', from: '16', watermark: '15' }]);
  });

  it("adds the processor's reason for an own message it rejects, and leaves alone letters that are no order's own", async () => {
    const order = acceptedSample(ORDER_IDS[0]);
    const { scan, record, orders } = await setup([
      letterOf(ORDER_IDS[0], 1, { body: { ...order, totalMinorUnits: 1 } }),
      letterOf(ORDER_IDS[1], 2, {
        body: { ...acceptedSample(ORDER_IDS[1]), items: [{ sku: 'OTHER', quantity: 1, unitPrice: 1 }], totalMinorUnits: 100 },
      }),
      letterOf('x', 3, { body: 'not json' }),
    ]);
    const { context, logs } = testContext();
    expect(await scan({}, context)).toMatchObject({
      letters: 3,
      outcomes: { recorded: 1, 'not-its-own': 1, 'not-an-order': 1 },
      watermark: 3n,
    });
    expect(record(ORDER_IDS[0])?.failureReason).toMatch(/; the processor rejects it: total mismatch: message says 1/);
    expect(orders.entities.size).toBe(1);
    expect(logText(logs, 'warning')).toMatch(/dead letter 2 .*not the own message of order 4a1c2b7e.*body is not the accepted request/);
    expect(logEvents(logs)).toEqual(['dead-letter.recorded', 'dead-letter.not-its-own', 'dead-letter.not-an-order', 'dead-letter.scan']);
    expect(logFields(logs, 'dead-letter.scan')).toEqual([
      { letters: '3', from: '0', watermark: '3', recorded: '1', 'not-its-own': '1', 'not-an-order': '1' },
    ]);
  });

  it('never overwrites a processed order or a live claim', async () => {
    const { orders, scan, record } = await setup([letterOf(ORDER_IDS[0], 1), letterOf(ORDER_IDS[1], 2)]);
    const base = (id: string, extra: Partial<OrderEntity>): OrderEntity => {
      const order = acceptedSample(id);
      return {
        partitionKey: id,
        rowKey: ORDER_ROW_KEY,
        status: 'processing',
        customerId: order.customerId,
        currency: order.currency,
        totalMinorUnits: order.totalMinorUnits,
        itemCount: 2,
        acceptedAt: order.acceptedAt,
        requestFingerprint: requestFingerprint(order),
        schemaVersion: 1,
        ...extra,
      };
    };
    await orders.createEntity(base(ORDER_IDS[0], { status: 'processed', processedAt: '2026-03-01T10:00:01.000Z' }));
    await orders.createEntity(
      base(ORDER_IDS[1], { claimOwner: 'inv-live', claimExpiresAt: new Date(NOW.getTime() + 30_000).toISOString() }),
    );
    expect(await scan({}, testContext().context)).toMatchObject({ outcomes: { 'already-processed': 1, claimed: 1 } });
    expect([record(ORDER_IDS[0])?.status, record(ORDER_IDS[1])?.status]).toEqual(['processed', 'processing']);
  });

  it('on a table failure saves the watermark up to the last letter handled, says so, and fails the run; the next run goes on from there', async () => {
    const { orders, scan, watermark, record } = await setup([
      letterOf(ORDER_IDS[0], 1),
      letterOf(ORDER_IDS[1], 2),
      letterOf(ORDER_IDS[2], 3),
    ]);
    const createEntity = orders.createEntity.bind(orders);
    let calls = 0;
    orders.createEntity = async (entity) => {
      if (++calls === 2) throw tableError(503);
      return createEntity(entity);
    };
    const { context, logs } = testContext();
    await expect(scan({}, context)).rejects.toMatchObject({ statusCode: 503 });
    expect(watermark()).toBe('1');
    expect(logText(logs, 'error')).toMatch(/stopped after 1 letters at sequence number 1/);
    expect(logEvents(logs)).toEqual(['dead-letter.recorded', 'dead-letter.scan-stopped']);

    const next = await scan({}, testContext().context);
    expect(next).toMatchObject({ fromSequenceNumber: 2n, letters: 2, watermark: 3n });
    expect([ORDER_IDS[1], ORDER_IDS[2]].map((id) => record(id)?.status)).toEqual(['failed', 'failed']);
  });

  it('fails the run with the table error when the watermark cannot be saved either, and says the next run handles those letters again', async () => {
    const { orders, watermarks, scan, watermark } = await setup([letterOf(ORDER_IDS[0], 1), letterOf(ORDER_IDS[1], 2)]);
    const createEntity = orders.createEntity.bind(orders);
    let calls = 0;
    orders.createEntity = async (entity) => {
      if (++calls === 2) throw tableError(503);
      return createEntity(entity);
    };
    watermarks.failNext('createEntity', tableError(500));
    const { context, logs } = testContext();
    await expect(scan({}, context)).rejects.toMatchObject({ statusCode: 503 });
    expect(watermark()).toBeUndefined();
    expect(logEvents(logs)).toEqual(['dead-letter.recorded', 'dead-letter.watermark-not-saved', 'dead-letter.scan-stopped']);

    // The next run starts from the beginning again; the letter already recorded stays recorded.
    expect(await scan({}, testContext().context)).toMatchObject({ fromSequenceNumber: 0n, letters: 2, watermark: 2n });
  });

  it('stops peeking when its time budget is spent, and goes on at the next tick', async () => {
    let clock = NOW.getTime();
    const { dlq, scan } = await setup([letterOf(ORDER_IDS[0], 1), letterOf(ORDER_IDS[1], 2), letterOf(ORDER_IDS[2], 3)], {
      pageSize: 1,
      budgetMs: 1_000,
      clock: () => new Date((clock += 400)),
    });
    const result = await scan({}, testContext().context);
    expect(result.letters).toBeLessThan(3);
    expect(dlq.peeks.length).toBe(result.letters);
  });

  it('peeks no further once exactly its budget has passed', async () => {
    let clock = NOW.getTime();
    const { dlq, scan } = await setup([letterOf(ORDER_IDS[0], 1), letterOf(ORDER_IDS[1], 2), letterOf(ORDER_IDS[2], 3)], {
      pageSize: 1,
      budgetMs: 1_000,
      clock: () => new Date(clock),
    });
    const peek = dlq.peek.bind(dlq);
    // Each page takes 500 ms: after two pages the budget is spent to the millisecond.
    dlq.peek = async (from, max, signal) => ((clock += 500), peek(from, max, signal));
    expect((await scan({}, testContext().context)).letters).toBe(2);
  });

  it('runs with its defaults: the real clock, its own budget and page size', async () => {
    const { dlq, orders, accepts, watermarks } = await setup([letterOf(ORDER_IDS[0], 1), letterOf(ORDER_IDS[1], 2)]);
    const scan = createDeadLetterScanHandler({
      deadLetters: () => dlq,
      ordersTable: () => orders,
      acceptedOrders: () => accepts,
      watermarks: () => watermarks,
    });
    expect(await scan({}, testContext().context)).toMatchObject({ letters: 2, watermark: 2n });
    expect(dlq.peeks[dlq.peeks.length - 1]).toEqual([3n, 100]);
  });

  it('gives each Service Bus call its default bound, not an instant one', async () => {
    const { dlq, scan } = await setup([letterOf(ORDER_IDS[0], 1)]);
    const peek = dlq.peek.bind(dlq);
    dlq.peek = async (from, max, signal) => (await new Promise((resolve) => setTimeout(resolve, 20)), peek(from, max, signal));
    expect((await scan({}, testContext().context)).letters).toBe(1);
  });

  it('peeks nothing when Service Bus fails, and leaves the watermark alone', async () => {
    const { dlq, scan, watermark } = await setup([letterOf(ORDER_IDS[0], 1)]);
    dlq.failNext = Object.assign(new Error('link detached'), { code: 'ServiceUnavailableError' });
    await expect(scan({}, testContext().context)).rejects.toMatchObject({ code: 'ServiceUnavailableError' });
    expect(watermark()).toBeUndefined();
  });
});
