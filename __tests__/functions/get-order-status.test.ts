import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import { claimOrder, markProcessed } from '../../functions/store/order-records';
import { FakeOrdersTable, tableError } from '../helpers/fake-orders-table';
import { bodyOf, getRequest, headerOf, logText, testContext } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

const signal = new AbortController().signal;
const CLAIM = { owner: 'inv-1', expiresAt: new Date('2026-03-01T10:00:45Z'), requestFingerprint: 'f'.repeat(64) };

describe('GET /api/orders/{id}', () => {
  it('answers 400 naming the id when it is not a UUID', async () => {
    const table = new FakeOrdersTable();
    const response = await createGetOrderStatusHandler({ ordersTable: () => table })(getRequest('12345'), testContext().context);
    expect(response.status).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    expect(table.calls).toEqual([]);
  });

  it('answers 404 for an unknown order and for one not processed yet', async () => {
    const table = new FakeOrdersTable();
    const handler = createGetOrderStatusHandler({ ordersTable: () => table });
    expect((await handler(getRequest('0b9e7c55-5f0e-4d52-9f4b-7d9a3c2e1f00'), testContext().context)).status).toBe(404);

    const order = acceptedSample();
    await claimOrder(table, order, CLAIM, signal);
    expect((await handler(getRequest(order.orderId), testContext().context)).status).toBe(404);
  });

  it('answers 200 with the recorded order once processed', async () => {
    const table = new FakeOrdersTable();
    const order = acceptedSample();
    const { record } = await claimOrder(table, order, CLAIM, signal);
    await markProcessed(table, record, new Date('2026-03-01T10:00:05Z'), signal);

    const response = await createGetOrderStatusHandler({ ordersTable: () => table })(getRequest(order.orderId.toUpperCase()), testContext().context);
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({
      orderId: order.orderId,
      status: 'processed',
      acceptedAt: order.acceptedAt,
      processedAt: '2026-03-01T10:00:05.000Z',
      currency: 'EUR',
      totalMinorUnits: 3399,
    });
  });

  it('answers 503 with Retry-After when the table is unavailable or does not answer in time', async () => {
    const failing = new FakeOrdersTable();
    failing.failNext('getEntity', tableError(500));
    const { context, logs } = testContext();
    const unavailable = await createGetOrderStatusHandler({ ordersTable: () => failing })(getRequest(acceptedSample().orderId), context);
    expect(unavailable.status).toBe(503);
    expect(headerOf(unavailable, 'retry-after')).toMatch(/^\d+$/);
    expect(logText(logs, 'error')).toMatch(/status 500/);

    const hanging = { ...new FakeOrdersTable(), getEntity: () => new Promise<never>(() => {}) } as unknown as FakeOrdersTable;
    const slow = await createGetOrderStatusHandler({ ordersTable: () => hanging, lookupTimeoutMs: 30 })(getRequest(acceptedSample().orderId), testContext().context);
    expect(slow.status).toBe(503);
  });
});
