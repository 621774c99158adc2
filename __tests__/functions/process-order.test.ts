import type { RetryPolicy } from '../../functions/resilience/retry-policy';
import type { DownstreamSteps } from '../../functions/queue/downstream-steps';
import { PoisonMessageError } from '../../functions/queue/poison-message-error';
import { createProcessOrderHandler } from '../../functions/queue/process-order';
import { SettingsError } from '../../functions/settings';
import { ORDER_ROW_KEY } from '../../functions/store/order-records';
import { FakeOrdersTable, tableError } from '../helpers/fake-orders-table';
import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import { bodyOf, getRequest, logText, testContext } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000, attemptTimeoutMs: 1_000 };
const PROCESSED_AT = new Date('2026-03-01T10:00:05Z');

function setup() {
  const table = new FakeOrdersTable();
  const stepCalls: Array<{ step: string; orderId: string; idempotencyKey: string }> = [];
  const downstream: DownstreamSteps = {
    reserveInventory: jest.fn(async (order, { idempotencyKey }) => void stepCalls.push({ step: 'reserveInventory', orderId: order.orderId, idempotencyKey })),
    capturePayment: jest.fn(async (order, { idempotencyKey }) => void stepCalls.push({ step: 'capturePayment', orderId: order.orderId, idempotencyKey })),
  };
  const sleeps: number[] = [];
  const handler = createProcessOrderHandler({
    ordersTable: () => table,
    downstream,
    now: () => PROCESSED_AT,
    retryPolicy: POLICY,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
  return { table, stepCalls, downstream, sleeps, handler };
}

function delivery(deliveryCount = 1) {
  return testContext({ messageId: 'msg-1', deliveryCount });
}

describe('processOrder (queue consumer)', () => {
  it('records the order, runs each downstream step with the order id as idempotency key, and marks it processed', async () => {
    const { table, stepCalls, handler } = setup();
    const order = acceptedSample();
    await handler(order, delivery().context);

    expect(table.entities.get(`${order.orderId}/${ORDER_ROW_KEY}`)).toMatchObject({
      status: 'processed',
      processedAt: PROCESSED_AT.toISOString(),
      acceptedAt: order.acceptedAt,
      totalMinorUnits: 3399,
      currency: 'EUR',
    });
    expect(stepCalls).toEqual([
      { step: 'reserveInventory', orderId: order.orderId, idempotencyKey: order.orderId },
      { step: 'capturePayment', orderId: order.orderId, idempotencyKey: order.orderId },
    ]);
  });

  it('records an upper-case order id in lower case: the status endpoint finds it, and a lower-case copy is the same order', async () => {
    // Issue 7 finding 7: the id was stored as sent, so its status answered 404 forever.
    const { table, stepCalls, handler } = setup();
    const order = acceptedSample();
    await handler({ ...order, orderId: order.orderId.toUpperCase() }, delivery(1).context);
    expect([...table.entities.keys()]).toEqual([`${order.orderId}/${ORDER_ROW_KEY}`]);

    const status = createGetOrderStatusHandler({ ordersTable: () => table });
    for (const id of [order.orderId, order.orderId.toUpperCase()]) {
      const response = await status(getRequest(id), testContext().context);
      expect([response.status, bodyOf(response).orderId]).toEqual([200, order.orderId]);
    }
    await handler(order, delivery(2).context);
    expect(table.entities.size).toBe(1);
    expect(stepCalls).toHaveLength(2);
  });

  it('has no second side effect when a processed order is delivered again', async () => {
    const { table, stepCalls, handler } = setup();
    await handler(acceptedSample(), delivery(1).context);
    const { context, logs } = delivery(2);
    await handler(acceptedSample(), context);

    expect(stepCalls).toHaveLength(2);
    expect(table.entities.size).toBe(1);
    expect(table.calls.filter((c) => c === 'updateEntity')).toHaveLength(1);
    expect(logText(logs, 'information')).toMatch(/already processed.*duplicate/);
  });

  it('resumes an order an earlier delivery left processing', async () => {
    const { table, stepCalls, handler } = setup();
    const order = acceptedSample();
    table.failNext('updateEntity', tableError(500));
    table.failNext('updateEntity', tableError(500));
    table.failNext('updateEntity', tableError(500));
    table.failNext('updateEntity', tableError(500));
    await expect(handler(order, delivery(1).context)).rejects.toMatchObject({ statusCode: 500 });
    expect(table.entities.get(`${order.orderId}/${ORDER_ROW_KEY}`)?.status).toBe('processing');

    const { context, logs } = delivery(2);
    await handler(order, context);
    expect(table.entities.get(`${order.orderId}/${ORDER_ROW_KEY}`)?.status).toBe('processed');
    expect(logText(logs, 'warning')).toMatch(/left 'processing'.*resuming/);
    // The steps ran again on the second delivery: that is why they get an idempotency key.
    expect(stepCalls.map((c) => c.step)).toEqual(['reserveInventory', 'capturePayment', 'reserveInventory', 'capturePayment']);
  });

  it('treats a concurrent delivery that finished first (412 on the ETag) as done', async () => {
    const { table, handler } = setup();
    const order = acceptedSample();
    // Another delivery marks the order processed between our claim and our update.
    const original = table.updateEntity.bind(table);
    let raced = false;
    table.updateEntity = async (update, mode, options) => {
      if (!raced) {
        raced = true;
        await original(update, mode, options);
      }
      return original(update, mode, options);
    };
    await expect(handler(order, delivery().context)).resolves.toBeUndefined();
    expect(table.entities.get(`${order.orderId}/${ORDER_ROW_KEY}`)?.status).toBe('processed');
  });

  it.each([
    ['an invalid payload', { ...acceptedSample(), items: [] }, /items must contain at least one item/],
    ['a total mismatch', { ...acceptedSample(), totalMinorUnits: 3398 }, /total mismatch/],
    ['a body that is not JSON', 'not json at all', /invalid order message/],
  ])('throws PoisonMessageError for %s, logs why with message id and delivery count, and records nothing', async (_, body, reason) => {
    const { table, stepCalls, handler } = setup();
    const { context, logs } = delivery(3);
    const error = await handler(body, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PoisonMessageError);
    expect(error).toMatchObject({ reason: expect.stringMatching(reason), messageId: 'msg-1', deliveryCount: 3 });
    expect(logText(logs, 'error')).toMatch(/msg-1.*delivery 3/);
    expect(logText(logs, 'error')).toMatch(reason);
    expect(table.calls).toEqual([]);
    expect(stepCalls).toEqual([]);
  });

  it('retries transient table failures with growing backoff, then succeeds', async () => {
    const { table, handler, sleeps } = setup();
    table.failNext('createEntity', tableError(503), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), tableError(429));
    const { context, logs } = delivery();
    await handler(acceptedSample(), context);

    // Equal jitter with random() = 0.5: three quarters of 500, 1000, 2000 ms.
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(table.calls.filter((c) => c === 'createEntity')).toHaveLength(4);
    expect(logText(logs, 'warning').match(/record attempt \d failed/g)).toHaveLength(3);
  });

  it('throws after the last attempt, so Service Bus redelivers the message', async () => {
    const { table, handler, sleeps, stepCalls } = setup();
    table.failNext('createEntity', tableError(503), tableError(503), tableError(503), tableError(503));
    await expect(handler(acceptedSample(), delivery().context)).rejects.toMatchObject({ statusCode: 503 });
    expect(sleeps).toHaveLength(POLICY.maxAttempts - 1);
    expect(stepCalls).toEqual([]);
  });

  it('shares one retry budget across all steps of a message, so the invocation ends well inside the lock', async () => {
    const table = new FakeOrdersTable();
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const started = clock;
    const sleeps: number[] = [];
    const handler = createProcessOrderHandler({
      ordersTable: () => table,
      downstream: {
        reserveInventory: async () => Promise.reject(Object.assign(new Error('inventory busy'), { statusCode: 503 })),
        capturePayment: async () => undefined,
      },
      now: () => new Date(clock),
      retryPolicy: POLICY,
      retryBudgetMs: 2_000,
      sleep: async (ms) => void (sleeps.push(ms), (clock += ms)),
      random: () => 0.5,
    });
    table.failNext('createEntity', tableError(503), tableError(503));

    // record: sleeps 375 + 750; reserveInventory alone would sleep 375, 750, 1500 but only 375 fits.
    await expect(handler(acceptedSample(), delivery().context)).rejects.toMatchObject({ message: 'inventory busy' });
    expect(sleeps).toEqual([375, 750, 375]);
    expect(clock - started).toBeLessThanOrEqual(2_000);
  });

  it('retries a 403 (role assignment still propagating) but not a 400', async () => {
    const first = setup();
    first.table.failNext('createEntity', tableError(403, 'AuthorizationPermissionMismatch'));
    await first.handler(acceptedSample(), delivery().context);
    expect(first.sleeps).toHaveLength(1);

    const second = setup();
    second.table.failNext('createEntity', tableError(400, 'InvalidInput'));
    await expect(second.handler(acceptedSample(), delivery().context)).rejects.toMatchObject({ statusCode: 400 });
    expect(second.sleeps).toEqual([]);
  });

  it('logs the missing settings and throws when the table is not configured', async () => {
    const handler = createProcessOrderHandler({
      ordersTable: () => {
        throw new SettingsError(['ORDERS_TABLE_NAME is not set']);
      },
    });
    const { context, logs } = delivery();
    await expect(handler(acceptedSample(), context)).rejects.toBeInstanceOf(SettingsError);
    expect(logText(logs, 'error')).toContain('ORDERS_TABLE_NAME');
  });
});
