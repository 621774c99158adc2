import { acceptWindowMs } from '../../functions/http/submit-order';
import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import { PROBLEM_TYPES } from '../../functions/http/problem';
import { orderStatusOf, PENDING_RETRY_AFTER_SECONDS } from '../../functions/orders/order-status';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { SettingsError } from '../../functions/settings';
import { acceptRecordOf, ACCEPT_RECORD_ROW_KEY, markQueued, type AcceptRecord } from '../../functions/store/accepted-orders';
import { claimOrder, markProcessed, recordFailure } from '../../functions/store/order-records';
import { HttpRequest } from '@azure/functions';
import { FakeAcceptedOrdersTable, FakeOrdersTable, tableError } from '../helpers/fake-orders-table';
import { bodyOf, getRequest, headerOf, logEvents, logText, testContext } from '../helpers/invocation';
import { expectDocumented } from '../helpers/openapi';
import { acceptedSample } from '../helpers/orders';

const signal = new AbortController().signal;
const fieldsOf = (response: { jsonBody?: unknown }) => (bodyOf(response).errors as Array<{ field: string }>).map((e) => e.field);
const CLAIM = { owner: 'inv-1', expiresAt: new Date('2026-03-01T10:00:45Z'), requestFingerprint: 'f'.repeat(64) };
const ACCEPTED_AT = Date.parse('2026-03-01T10:00:00Z');
const SEND_TIMEOUT_MS = 5_000;
const WINDOW_MS = acceptWindowMs(SEND_TIMEOUT_MS);

/** The status endpoint on fake tables, at `now`; every answer is checked against the OpenAPI document. */
function statusEndpoint(
  options: { orders?: FakeOrdersTable; accepts?: FakeAcceptedOrdersTable; now?: number; lookupTimeoutMs?: number } = {},
) {
  const orders = options.orders ?? new FakeOrdersTable();
  const accepts = options.accepts ?? new FakeAcceptedOrdersTable();
  const handler = createGetOrderStatusHandler({
    ordersTable: () => orders,
    acceptedOrders: () => accepts,
    sendTimeoutMs: () => SEND_TIMEOUT_MS,
    lookupTimeoutMs: options.lookupTimeoutMs,
    now: () => new Date(options.now ?? ACCEPTED_AT + 1_000),
  });
  const ask = async (id: string, context = testContext().context) =>
    expectDocumented('/orders/{id}', 'get', await handler(getRequest(id), context));
  return { orders, accepts, ask };
}

/** The accept record the producer writes for the sample order. */
async function writeAcceptRecord(accepts: FakeAcceptedOrdersTable): Promise<AcceptRecord> {
  const order = acceptedSample();
  const record = acceptRecordOf(order, requestFingerprint(order));
  const { orderId, ...fields } = record;
  await accepts.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields });
  return record;
}

describe('GET /api/orders/{id}', () => {
  it('answers 400 naming the id when it is not a UUID, reading nothing', async () => {
    const { orders, accepts, ask } = statusEndpoint();
    const response = await ask('12345');
    expect(response.status).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    expect([orders.calls, accepts.calls]).toEqual([[], []]);
  });

  it('answers 400 when the route gives no id at all', async () => {
    const handler = createGetOrderStatusHandler({
      ordersTable: () => new FakeOrdersTable(),
      acceptedOrders: () => new FakeAcceptedOrdersTable(),
      sendTimeoutMs: () => SEND_TIMEOUT_MS,
    });
    const response = await handler(new HttpRequest({ method: 'GET', url: 'http://127.0.0.1:7071/api/orders/' }), testContext().context);
    expect([response.status, bodyOf(response).type, fieldsOf(response)]).toEqual([400, PROBLEM_TYPES.invalidRequest, ['id']]);
  });

  it('reads the clock and bounds the lookups by default: a record written just now is still being answered, never cached', async () => {
    const accepts = new FakeAcceptedOrdersTable();
    const order = acceptedSample();
    const { orderId, ...fields } = acceptRecordOf({ ...order, acceptedAt: new Date().toISOString() }, requestFingerprint(order));
    await accepts.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields });
    const orders = new FakeOrdersTable();
    // A read that takes a moment: the default lookup bound (5 s) leaves it time.
    const read = orders.getEntity.bind(orders);
    orders.getEntity = async (...args) => (await new Promise((resolve) => setTimeout(resolve, 20)), read(...args));
    const handler = createGetOrderStatusHandler({
      ordersTable: () => orders,
      acceptedOrders: () => accepts,
      sendTimeoutMs: () => SEND_TIMEOUT_MS,
    });
    const response = await handler(getRequest(orderId), testContext().context);
    expect([response.status, bodyOf(response).stage, headerOf(response, 'cache-control')]).toEqual([200, 'received', 'no-store']);
  });

  it('answers 404 only for an id that was never accepted (neither record exists)', async () => {
    const response = await statusEndpoint().ask('0b9e7c55-5f0e-4d52-9f4b-7d9a3c2e1f00');
    expect([response.status, bodyOf(response).type]).toEqual([404, PROBLEM_TYPES.notFound]);
  });

  describe('pending, with Retry-After', () => {
    it('an accepted order whose message the queue confirmed: stage accepted', async () => {
      // Issue 9: this was 404, the answer for an id that never existed.
      const { accepts, ask } = statusEndpoint();
      const record = await writeAcceptRecord(accepts);
      await markQueued(accepts, record, new Date(ACCEPTED_AT + 100), signal);
      const response = await ask(record.orderId);
      expect(response.status).toBe(200);
      expect(headerOf(response, 'retry-after')).toBe(String(PENDING_RETRY_AFTER_SECONDS));
      expect(bodyOf(response)).toEqual({
        orderId: record.orderId,
        status: 'pending',
        stage: 'accepted',
        detail: expect.any(String),
        acceptedAt: record.acceptedAt,
        currency: 'EUR',
        totalMinorUnits: 3399,
      });
    });

    it('an order the processor has claimed: stage processing', async () => {
      const { orders, accepts, ask } = statusEndpoint();
      await writeAcceptRecord(accepts);
      await claimOrder(orders, acceptedSample(), CLAIM, signal);
      const response = await ask(acceptedSample().orderId);
      expect([response.status, bodyOf(response).status, bodyOf(response).stage]).toEqual([200, 'pending', 'processing']);
      expect(headerOf(response, 'retry-after')).toMatch(/^\d+$/);
    });

    it('a record whose send is not confirmed: stage received while its request may still be sending, then unconfirmed (resubmit)', async () => {
      const accepts = new FakeAcceptedOrdersTable();
      const record = await writeAcceptRecord(accepts);

      const early = await statusEndpoint({ accepts, now: ACCEPTED_AT + 2_000 }).ask(record.orderId);
      expect([bodyOf(early).status, bodyOf(early).stage]).toEqual(['pending', 'received']);
      // Retry when the window ends: the answer will then be settled.
      expect(headerOf(early, 'retry-after')).toBe(String(Math.ceil((WINDOW_MS - 2_000) / 1000)));

      const late = await statusEndpoint({ accepts, now: ACCEPTED_AT + WINDOW_MS + 1 }).ask(record.orderId);
      expect([bodyOf(late).status, bodyOf(late).stage]).toEqual(['pending', 'unconfirmed']);
      expect(bodyOf(late).detail).toMatch(/Idempotency-Key/);
    });

    it('a record of version 1 (no state) reads as not confirmed', async () => {
      const accepts = new FakeAcceptedOrdersTable();
      const order = acceptedSample();
      const { orderId, state: _, ...fields } = acceptRecordOf(order, requestFingerprint(order));
      await accepts.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields, schemaVersion: 1 });
      const response = await statusEndpoint({ accepts, now: ACCEPTED_AT + WINDOW_MS + 1 }).ask(orderId);
      expect(bodyOf(response).stage).toBe('unconfirmed');
    });
  });

  it('answers 200 with the recorded order once processed, for an upper-case id too', async () => {
    const { orders, ask } = statusEndpoint();
    const order = acceptedSample();
    const { record } = await claimOrder(orders, order, CLAIM, signal);
    await markProcessed(orders, record, new Date('2026-03-01T10:00:05Z'), signal);

    const response = await ask(order.orderId.toUpperCase());
    expect(response.status).toBe(200);
    expect(headerOf(response, 'retry-after')).toBeUndefined();
    expect(headerOf(response, 'cache-control')).toBe('no-store');
    expect(bodyOf(response)).toEqual({
      orderId: order.orderId,
      status: 'processed',
      acceptedAt: order.acceptedAt,
      processedAt: '2026-03-01T10:00:05.000Z',
      currency: 'EUR',
      totalMinorUnits: 3399,
    });
  });

  it('answers 200 failed with who failed it, when and why, over a queued accept record', async () => {
    const { orders, accepts, ask } = statusEndpoint();
    const record = await writeAcceptRecord(accepts);
    await markQueued(accepts, record, new Date(ACCEPTED_AT), signal);
    const order = acceptedSample();
    const failedAt = new Date('2026-03-01T10:10:00Z');
    await recordFailure(
      orders,
      order,
      requestFingerprint(order),
      { failedBy: 'dead-letter-queue', reason: 'dead-lettered by Service Bus: MaxDeliveryCountExceeded', failedAt },
      signal,
    );

    const response = await ask(order.orderId);
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({
      orderId: order.orderId,
      status: 'failed',
      acceptedAt: order.acceptedAt,
      failedAt: failedAt.toISOString(),
      failedBy: 'dead-letter-queue',
      reason: 'dead-lettered by Service Bus: MaxDeliveryCountExceeded',
      currency: 'EUR',
      totalMinorUnits: 3399,
    });
  });

  it('answers 503 with Retry-After when either table fails, does not answer in time, or is not configured', async () => {
    const failing = new FakeOrdersTable();
    failing.failNext('getEntity', tableError(500));
    const { context, logs } = testContext();
    const unavailable = await statusEndpoint({ orders: failing }).ask(acceptedSample().orderId, context);
    expect([unavailable.status, bodyOf(unavailable).type]).toEqual([503, PROBLEM_TYPES.serviceUnavailable]);
    expect(logText(logs, 'error')).toMatch(/status 500/);
    expect(logEvents(logs)).toEqual(['order.status-unavailable']);

    const failingAccepts = new FakeAcceptedOrdersTable();
    failingAccepts.failNext('getEntity', tableError(503));
    expect((await statusEndpoint({ accepts: failingAccepts }).ask(acceptedSample().orderId)).status).toBe(503);

    const hanging = { getEntity: () => new Promise<never>(() => {}) } as unknown as FakeOrdersTable;
    expect((await statusEndpoint({ orders: hanging, lookupTimeoutMs: 30 }).ask(acceptedSample().orderId)).status).toBe(503);

    const unconfigured = createGetOrderStatusHandler({
      ordersTable: () => new FakeOrdersTable(),
      acceptedOrders: () => {
        throw new SettingsError(['ORDERS_ACCEPTED_TABLE_NAME is not set']);
      },
      sendTimeoutMs: () => SEND_TIMEOUT_MS,
    });
    const missing = testContext();
    const response = expectDocumented('/orders/{id}', 'get', await unconfigured(getRequest(acceptedSample().orderId), missing.context));
    expect(response.status).toBe(503);
    expect(logText(missing.logs, 'error')).toContain('ORDERS_ACCEPTED_TABLE_NAME');
  });
});

describe('orderStatusOf', () => {
  it("lets the processor's record win over the accept record", () => {
    const order = acceptedSample();
    const accepted = { ...acceptRecordOf(order, 'f'), state: 'received' as const };
    const processing = {
      orderId: order.orderId,
      status: 'processing' as const,
      customerId: 'c',
      currency: 'EUR',
      totalMinorUnits: 3399,
      itemCount: 2,
      acceptedAt: order.acceptedAt,
      etag: 'e',
    };
    // Long after the window: without the processor's record this would read unconfirmed.
    expect(orderStatusOf(accepted, processing, new Date(ACCEPTED_AT + 10 * WINDOW_MS), WINDOW_MS)).toMatchObject({
      status: 'pending',
      stage: 'processing',
    });
    expect(orderStatusOf(undefined, undefined, new Date(), WINDOW_MS)).toBeUndefined();
  });

  it('uses the send bound: a longer ORDERS_SEND_TIMEOUT_MS keeps a record received for longer', () => {
    const order = acceptedSample();
    const accepted = acceptRecordOf(order, 'f');
    const at = new Date(ACCEPTED_AT + acceptWindowMs(5_000) + 1_000);
    expect(orderStatusOf(accepted, undefined, at, acceptWindowMs(5_000))).toMatchObject({ stage: 'unconfirmed' });
    expect(orderStatusOf(accepted, undefined, at, acceptWindowMs(60_000))).toMatchObject({ stage: 'received' });
  });

  it('reads a record as received until its window ends exactly, and asks again when it ends (whole seconds, rounded up)', () => {
    const accepted = acceptRecordOf(acceptedSample(), 'f');
    const at = (ms: number) => orderStatusOf(accepted, undefined, new Date(ACCEPTED_AT + ms), WINDOW_MS);
    expect(at(WINDOW_MS - 1)).toMatchObject({ stage: 'received', retryAfterSeconds: 1 });
    expect(at(WINDOW_MS - 1_500)).toMatchObject({ stage: 'received', retryAfterSeconds: 2 });
    expect(at(WINDOW_MS)).toMatchObject({ stage: 'unconfirmed', retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS });
  });

  it('answers for records of earlier versions that lack the time or the cause of their outcome', () => {
    const order = acceptedSample();
    const record = {
      orderId: order.orderId,
      customerId: 'c',
      currency: 'EUR',
      totalMinorUnits: 3399,
      itemCount: 2,
      acceptedAt: order.acceptedAt,
      etag: 'e',
    };
    expect(orderStatusOf(undefined, { ...record, status: 'processed' }, new Date(), WINDOW_MS)).toMatchObject({
      status: 'processed',
      processedAt: '',
    });
    expect(orderStatusOf(undefined, { ...record, status: 'failed' }, new Date(), WINDOW_MS)).toMatchObject({
      status: 'failed',
      failedAt: '',
      failedBy: 'processor',
    });
    expect(orderStatusOf(undefined, { ...record, status: 'failed', failedBy: 'dead-letter-queue' }, new Date(), WINDOW_MS)).toMatchObject({
      failedBy: 'dead-letter-queue',
    });
  });
});
