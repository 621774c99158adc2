import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import type { RetryPolicy } from '../../functions/resilience/retry-policy';
import type { DownstreamSteps } from '../../functions/queue/downstream-steps';
import { CLAIM_LEASE_MS, ClaimHeldError } from '../../functions/queue/order-claim';
import { PoisonMessageError } from '../../functions/queue/poison-message-error';
import { createProcessOrderHandler, MAX_ACCEPTED_AT_AHEAD_MS } from '../../functions/queue/process-order';
import { SettingsError } from '../../functions/settings';
import { acceptRecordOf, ACCEPT_RECORD_ROW_KEY } from '../../functions/store/accepted-orders';
import { ORDER_ROW_KEY, type OrderEntity } from '../../functions/store/order-records';
import { FakeAcceptedOrdersTable, FakeOrdersTable, tableError } from '../helpers/fake-orders-table';
import { bodyOf, getRequest, logEvents, logFields, logText, testContext } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000, attemptTimeoutMs: 1_000 };
const PROCESSED_AT = new Date('2026-03-01T10:00:05Z');

/** A consumer on fake tables and a fake clock: `sleep` advances the clock, `onSleep` can act meanwhile. */
function setup(options: { retryBudgetMs?: number; onSleep?: (ms: number) => void | Promise<void> } = {}) {
  const table = new FakeOrdersTable();
  const accepted = new FakeAcceptedOrdersTable();
  const stepCalls: Array<{ step: string; orderId: string; idempotencyKey: string }> = [];
  const downstream: DownstreamSteps = {
    reserveInventory: jest.fn(
      async (order, { idempotencyKey }) => void stepCalls.push({ step: 'reserveInventory', orderId: order.orderId, idempotencyKey }),
    ),
    capturePayment: jest.fn(
      async (order, { idempotencyKey }) => void stepCalls.push({ step: 'capturePayment', orderId: order.orderId, idempotencyKey }),
    ),
  };
  const sleeps: number[] = [];
  const clock = { now: PROCESSED_AT.getTime() };
  const handler = createProcessOrderHandler({
    ordersTable: () => table,
    acceptedOrders: () => accepted,
    downstream,
    now: () => new Date(clock.now),
    retryPolicy: POLICY,
    retryBudgetMs: options.retryBudgetMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
      await options.onSleep?.(ms);
    },
    random: () => 0.5,
  });
  return { table, accepted, stepCalls, downstream, sleeps, clock, handler };
}

function delivery(deliveryCount = 1, invocationId = `inv-${deliveryCount}`) {
  return testContext({ messageId: 'msg-1', deliveryCount }, invocationId);
}

const recordKey = (orderId: string) => `${orderId}/${ORDER_ROW_KEY}`;

/** A record another delivery left in `processing`. */
function processingRecord(overrides: Partial<OrderEntity> = {}): OrderEntity {
  const order = acceptedSample();
  return {
    partitionKey: order.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processing',
    customerId: order.customerId,
    currency: order.currency,
    totalMinorUnits: order.totalMinorUnits,
    itemCount: order.items.length,
    acceptedAt: order.acceptedAt,
    requestFingerprint: requestFingerprint(order),
    claimOwner: 'inv-other',
    claimExpiresAt: new Date(PROCESSED_AT.getTime() + CLAIM_LEASE_MS).toISOString(),
    schemaVersion: 1,
    ...overrides,
  };
}

describe('processOrder (queue consumer)', () => {
  it('records the order with its claim and fingerprint, runs each downstream step with the order id as idempotency key, and marks it processed', async () => {
    const { table, stepCalls, handler } = setup();
    const order = acceptedSample();
    const { context, logs } = delivery();
    await handler(order, context);

    // No accept record in this table: an order sent before they existed.
    expect(logEvents(logs)).toEqual(['order.no-accept-record', 'order.processed']);
    expect(table.entities.get(recordKey(order.orderId))).toMatchObject({
      status: 'processed',
      processedAt: PROCESSED_AT.toISOString(),
      acceptedAt: order.acceptedAt,
      totalMinorUnits: 3399,
      currency: 'EUR',
      requestFingerprint: requestFingerprint(order),
      claimOwner: 'inv-1',
      claimExpiresAt: new Date(PROCESSED_AT.getTime() + CLAIM_LEASE_MS).toISOString(),
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
    expect([...table.entities.keys()]).toEqual([recordKey(order.orderId)]);

    const status = createGetOrderStatusHandler({
      ordersTable: () => table,
      acceptedOrders: () => new FakeAcceptedOrdersTable(),
      sendTimeoutMs: () => 5_000,
    });
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
    expect(logEvents(logs)).toEqual(['order.no-accept-record', 'order.duplicate']);
  });

  describe('the accept record', () => {
    it('processes a message whose body is the accepted request', async () => {
      const { accepted, stepCalls, handler } = setup();
      const order = acceptedSample();
      await accepted.createEntity({
        partitionKey: order.orderId,
        rowKey: ACCEPT_RECORD_ROW_KEY,
        ...withoutId(acceptRecordOf(order, requestFingerprint(order))),
      });
      const { context, logs } = delivery();
      await handler(order, context);
      expect(stepCalls).toHaveLength(2);
      expect(logText(logs, 'warning')).toBe('');
    });

    it('treats a body other than the accepted request as poison, logging both fingerprints, and records nothing', async () => {
      // Issue 7 finding 1: a different cart under the id of an accepted order.
      const { table, accepted, stepCalls, handler } = setup();
      const order = acceptedSample();
      const other = { ...order, items: [{ sku: 'BOOK-42', quantity: 3, unitPrice: 12.5 }], totalMinorUnits: 3750 };
      await accepted.createEntity({
        partitionKey: order.orderId,
        rowKey: ACCEPT_RECORD_ROW_KEY,
        ...withoutId(acceptRecordOf(order, requestFingerprint(order))),
      });
      const { context, logs } = delivery();
      await expect(handler(other, context)).rejects.toBeInstanceOf(PoisonMessageError);
      expect(logText(logs, 'error')).toContain(requestFingerprint(order));
      expect(logText(logs, 'error')).toContain(requestFingerprint(other));
      expect(table.calls).toEqual([]);
      expect(stepCalls).toEqual([]);
    });

    it('processes a message without an accept record (sent before they existed), with a warning', async () => {
      const { stepCalls, handler } = setup();
      const { context, logs } = delivery();
      await handler(acceptedSample(), context);
      expect(stepCalls).toHaveLength(2);
      expect(logEvents(logs)).toEqual(['order.no-accept-record', 'order.processed']);
    });
  });

  describe('claims', () => {
    it('waits while another delivery holds the claim and completes as a duplicate once it is processed', async () => {
      // Issue 7 finding 2: a second delivery resumed a claimed record at once and ran every step again.
      const order = acceptedSample();
      const env = setup({
        onSleep: async () => {
          // The other delivery finishes while this one waits (after its second pause).
          if (env.sleeps.length === 2)
            await env.table.updateEntity(
              { partitionKey: order.orderId, rowKey: ORDER_ROW_KEY, status: 'processed', processedAt: PROCESSED_AT.toISOString() },
              'Merge',
              { etag: env.table.entities.get(recordKey(order.orderId))!.etag },
            );
        },
      });
      await env.table.createEntity(processingRecord());
      const { context, logs } = delivery(2);
      await env.handler(order, context);

      expect(env.stepCalls).toEqual([]);
      expect(env.sleeps).toEqual([188, 375]);
      expect(logText(logs, 'information')).toMatch(/claimed by inv-other until .*waiting 188 ms/);
      expect(logEvents(logs)).toContain('order.claim-wait');
      expect(logText(logs, 'information')).toMatch(/already processed.*duplicate/);
    });

    it('takes over a claim once it expires, with an ETag-guarded merge, and resumes', async () => {
      const env = setup();
      // Claimed by a delivery that died; the claim expires 1 s from now: this one waits 1 s, then takes over.
      await env.table.createEntity(processingRecord({ claimExpiresAt: new Date(PROCESSED_AT.getTime() + 1_000).toISOString() }));
      const { context, logs } = delivery(2);
      await env.handler(acceptedSample(), context);

      expect(env.sleeps.reduce((a, b) => a + b, 0)).toBe(1_000);
      expect(env.stepCalls.map((c) => c.step)).toEqual(['reserveInventory', 'capturePayment']);
      const record = env.table.entities.get(recordKey(acceptedSample().orderId))!;
      expect(record).toMatchObject({ status: 'processed', claimOwner: 'inv-2' });
      expect(logText(logs, 'warning')).toMatch(/took over the expired claim of inv-other; resuming/);
    });

    it('takes over a record of an earlier version (no claim) at once', async () => {
      const env = setup();
      const { requestFingerprint: _, claimOwner: __, claimExpiresAt: ___, ...legacy } = processingRecord();
      await env.table.createEntity(legacy);
      await env.handler(acceptedSample(), delivery(2).context);
      expect(env.sleeps).toEqual([]);
      expect(env.stepCalls).toHaveLength(2);
      expect(env.table.entities.get(recordKey(acceptedSample().orderId))).toMatchObject({
        status: 'processed',
        requestFingerprint: requestFingerprint(acceptedSample()),
      });
    });

    it('re-reads after a 412 on the takeover: another delivery took the claim first, so this one waits for it', async () => {
      const order = acceptedSample();
      const env = setup({
        onSleep: async () => {
          const current = env.table.entities.get(recordKey(order.orderId))!;
          await env.table.updateEntity(
            { partitionKey: order.orderId, rowKey: ORDER_ROW_KEY, status: 'processed', processedAt: PROCESSED_AT.toISOString() },
            'Merge',
            { etag: current.etag },
          );
        },
      });
      await env.table.createEntity(processingRecord({ claimExpiresAt: new Date(PROCESSED_AT.getTime() - 1).toISOString() }));
      // A third delivery takes the expired claim between this one's read and its merge.
      const merge = env.table.updateEntity.bind(env.table);
      let raced = false;
      env.table.updateEntity = async (update, mode, options) => {
        if (!raced) {
          raced = true;
          const current = env.table.entities.get(recordKey(order.orderId))!;
          await merge(
            {
              partitionKey: order.orderId,
              rowKey: ORDER_ROW_KEY,
              claimOwner: 'inv-3',
              claimExpiresAt: new Date(PROCESSED_AT.getTime() + CLAIM_LEASE_MS).toISOString(),
            },
            'Merge',
            { etag: current.etag },
          );
        }
        return merge(update, mode, options);
      };
      await env.handler(order, delivery(2).context);
      expect(env.stepCalls).toEqual([]);
      expect(env.sleeps).toHaveLength(1);
    });

    it('throws when its budget ends while another delivery still holds the claim, so Service Bus redelivers', async () => {
      const env = setup({ retryBudgetMs: 2_000 });
      await env.table.createEntity(processingRecord());
      const error = await env.handler(acceptedSample(), delivery(2).context).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClaimHeldError);
      expect(error).not.toBeInstanceOf(PoisonMessageError);
      expect(env.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2_000);
      expect(env.stepCalls).toEqual([]);
      expect(env.table.entities.get(recordKey(acceptedSample().orderId))).toMatchObject({ status: 'processing', claimOwner: 'inv-other' });
    });

    it.each([
      // Built inside the test: a sample that stops parsing then fails this test instead of the whole file.
      ['processing', () => processingRecord({ requestFingerprint: 'f'.repeat(64) })],
      [
        'processed',
        () => processingRecord({ requestFingerprint: 'f'.repeat(64), status: 'processed', processedAt: PROCESSED_AT.toISOString() }),
      ],
      [
        'processing, of an earlier version, with another total',
        () => (({ requestFingerprint: _, ...r }) => ({ ...r, totalMinorUnits: 1 }))(processingRecord({ claimExpiresAt: undefined })),
      ],
    ])('treats a delivery whose body differs from the one recorded (%s) as poison, never resumed', async (_, record) => {
      const env = setup();
      await env.table.createEntity(record() as OrderEntity);
      const { context, logs } = delivery(2);
      await expect(env.handler(acceptedSample(), context)).rejects.toBeInstanceOf(PoisonMessageError);
      expect(logText(logs, 'error')).toMatch(/body differs from the one recorded/);
      expect(env.stepCalls).toEqual([]);
    });

    it('releases its claim when processing fails, so the redelivery takes over at once', async () => {
      const { table, stepCalls, sleeps, handler } = setup();
      const order = acceptedSample();
      table.failNext('updateEntity', tableError(500), tableError(500), tableError(500), tableError(500));
      const first = delivery(1);
      await expect(handler(order, first.context)).rejects.toMatchObject({ statusCode: 500 });
      expect(logFields(first.logs, 'order.retry')).toEqual(
        [1, 2, 3].map((attempt) => ({ step: 'markProcessed', attempt: String(attempt) })),
      );
      expect(logFields(first.logs, 'order.processing-failed')).toEqual([{ claim: 'released' }]);
      expect(table.entities.get(recordKey(order.orderId))).toMatchObject({ status: 'processing', claimExpiresAt: expect.any(String) });
      const retrySleeps = sleeps.length;

      const { context, logs } = delivery(2);
      await handler(order, context);
      expect(sleeps).toHaveLength(retrySleeps);
      expect(table.entities.get(recordKey(order.orderId))).toMatchObject({ status: 'processed', claimOwner: 'inv-2' });
      expect(logEvents(logs)).toEqual(['order.no-accept-record', 'order.claim-taken-over', 'order.processed']);
      // The steps ran again on the second delivery: that is why they get an idempotency key.
      expect(stepCalls.map((c) => c.step)).toEqual(['reserveInventory', 'capturePayment', 'reserveInventory', 'capturePayment']);
    });

    it('leaves its claim to expire when the release fails too, and says so', async () => {
      const { table, handler } = setup();
      const order = acceptedSample();
      // Four attempts to mark it processed, then the release.
      table.failNext('updateEntity', ...Array.from({ length: 5 }, () => tableError(500)));
      const { context, logs } = delivery(1);
      await expect(handler(order, context)).rejects.toMatchObject({ statusCode: 500 });
      expect(table.entities.get(recordKey(order.orderId))).toMatchObject({ status: 'processing', claimOwner: 'inv-1' });
      expect(logFields(logs, 'order.processing-failed')).toEqual([{ claim: 'left-to-expire' }]);
    });

    it('keeps its own claim when a retried insert finds the record its first attempt wrote', async () => {
      const { table, stepCalls, handler } = setup();
      const insert = table.createEntity.bind(table);
      let first = true;
      table.createEntity = async (entity) => {
        const result = await insert(entity);
        if (first) {
          first = false;
          throw tableError(503);
        }
        return result;
      };
      await handler(acceptedSample(), delivery(1).context);
      expect(stepCalls).toHaveLength(2);
    });
  });

  it('treats a marking of processed that lost a race (412 on the ETag) as done', async () => {
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
    expect(table.entities.get(recordKey(order.orderId))?.status).toBe('processed');
  });

  it.each([
    ['an invalid payload', { ...acceptedSample(), items: [] }, /items must contain at least one item/],
    ['a body that is not JSON', 'not json at all', /invalid order message/],
  ])(
    'throws PoisonMessageError for %s, logs why with message id and delivery count, and records nothing (no order to tie it to)',
    async (_, body, reason) => {
      const { table, accepted, stepCalls, handler } = setup();
      const { context, logs } = delivery(3);
      const error = await handler(body, context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PoisonMessageError);
      expect(error).toMatchObject({ reason: expect.stringMatching(reason), messageId: 'msg-1', deliveryCount: 3 });
      expect(logEvents(logs)).toEqual(['order.poison']);
      expect(logText(logs, 'error')).toMatch(/msg-1.*delivery 3/);
      expect(logText(logs, 'error')).toMatch(reason);
      expect(table.calls).toEqual([]);
      expect(accepted.calls).toEqual([]);
      expect(stepCalls).toEqual([]);
    },
  );

  describe("a poison message that is the order's own", () => {
    const ahead = () => new Date(PROCESSED_AT.getTime() + MAX_ACCEPTED_AT_AHEAD_MS + 1_000).toISOString();
    it.each([
      ['a total mismatch', () => ({ ...acceptedSample(), totalMinorUnits: 3398 }), /total mismatch/],
      [
        'an acceptedAt more than 5 minutes ahead',
        () => ({ ...acceptedSample(), acceptedAt: ahead() }),
        /acceptedAt .* ahead of this consumer's clock/,
      ],
    ])(
      'records %s as the failure of its order (its status tells the client), runs no step, and throws PoisonMessageError',
      async (_, body, reason) => {
        const { table, accepted, stepCalls, handler } = setup();
        const message = body();
        // The accept record of exactly this message: same request, same acceptedAt.
        await accepted.createEntity({
          partitionKey: message.orderId,
          rowKey: ACCEPT_RECORD_ROW_KEY,
          ...withoutId(acceptRecordOf(message, requestFingerprint(message))),
        });
        const { context, logs } = delivery(3);
        await expect(handler(message, context)).rejects.toBeInstanceOf(PoisonMessageError);

        expect(table.entities.get(recordKey(message.orderId))).toMatchObject({
          status: 'failed',
          failedBy: 'processor',
          failedAt: PROCESSED_AT.toISOString(),
          failureReason: expect.stringMatching(reason),
          requestFingerprint: requestFingerprint(message),
        });
        expect(table.entities.get(recordKey(message.orderId))?.failureReason).not.toContain('SKU-');
        expect(logEvents(logs)).toEqual(['order.poison', 'order.failure-record']);
        expect(logFields(logs, 'order.failure-record')).toEqual([{ outcome: 'recorded' }]);
        expect(stepCalls).toEqual([]);
      },
    );

    it('records nothing when its acceptedAt is not the accepted one (a copy made by hand is not the order)', async () => {
      const { table, accepted, handler } = setup();
      const order = acceptedSample();
      await accepted.createEntity({
        partitionKey: order.orderId,
        rowKey: ACCEPT_RECORD_ROW_KEY,
        ...withoutId(acceptRecordOf(order, requestFingerprint(order))),
      });
      await expect(handler({ ...order, acceptedAt: ahead() }, delivery().context)).rejects.toBeInstanceOf(PoisonMessageError);
      expect(table.entities.size).toBe(0);
    });

    it('never turns a processed order into a failed one, nor one another delivery is processing', async () => {
      const { table, handler } = setup();
      const order = acceptedSample();
      await table.createEntity(processingRecord({ status: 'processed', processedAt: '2026-03-01T10:00:01.000Z' }));
      await expect(handler({ ...order, totalMinorUnits: 1 }, delivery().context)).rejects.toBeInstanceOf(PoisonMessageError);
      expect(table.entities.get(recordKey(order.orderId))?.status).toBe('processed');

      const live = setup();
      await live.table.createEntity(processingRecord());
      const { context, logs } = delivery();
      await expect(live.handler({ ...order, totalMinorUnits: 1 }, context)).rejects.toBeInstanceOf(PoisonMessageError);
      expect(live.table.entities.get(recordKey(order.orderId))).toMatchObject({ status: 'processing', claimOwner: 'inv-other' });
      expect(logFields(logs, 'order.failure-record')).toEqual([{ outcome: 'claimed' }]);
    });

    it('throws PoisonMessageError even when the failure cannot be recorded', async () => {
      const { table, handler } = setup();
      table.failNext('createEntity', tableError(503));
      const { context, logs } = delivery();
      await expect(handler({ ...acceptedSample(), totalMinorUnits: 1 }, context)).rejects.toBeInstanceOf(PoisonMessageError);
      expect(logFields(logs, 'order.failure-record')).toEqual([{ outcome: 'not-recorded' }]);
      expect(logText(logs, 'warning')).toContain('status 503');
    });
  });

  it('processes a failed order when its message comes back valid (a replayed dead letter), taking the record over', async () => {
    const { table, stepCalls, handler } = setup();
    const order = acceptedSample();
    await table.createEntity(
      processingRecord({
        status: 'failed',
        failedBy: 'dead-letter-queue',
        failureReason: 'dead-lettered',
        failedAt: '2026-03-01T10:00:02.000Z',
        claimOwner: undefined,
        claimExpiresAt: undefined,
      }),
    );
    await handler(order, delivery(1, 'inv-replay').context);
    expect(stepCalls).toHaveLength(2);
    expect(table.entities.get(recordKey(order.orderId))).toMatchObject({
      status: 'processed',
      claimOwner: 'inv-replay',
      processedAt: PROCESSED_AT.toISOString(),
    });
  });

  it('accepts an acceptedAt a little ahead of its clock (hosts keep time to well within that)', async () => {
    const { stepCalls, handler } = setup();
    await handler(
      { ...acceptedSample(), acceptedAt: new Date(PROCESSED_AT.getTime() + MAX_ACCEPTED_AT_AHEAD_MS - 1_000).toISOString() },
      delivery().context,
    );
    expect(stepCalls).toHaveLength(2);
  });

  it('accepts an acceptedAt up to exactly 5 minutes ahead of its clock, and treats one a millisecond more as poison', async () => {
    const at = (aheadMs: number) => ({ ...acceptedSample(), acceptedAt: new Date(PROCESSED_AT.getTime() + aheadMs).toISOString() });
    for (const aheadMs of [4 * 60_000, 5 * 60_000]) {
      const { stepCalls, handler } = setup();
      await handler(at(aheadMs), delivery().context);
      expect([aheadMs, stepCalls.length]).toEqual([aheadMs, 2]);
    }
    const { stepCalls, handler } = setup();
    await expect(handler(at(5 * 60_000 + 1), delivery().context)).rejects.toBeInstanceOf(PoisonMessageError);
    expect(stepCalls).toEqual([]);
  });

  it('throws a poison error that carries the message id and delivery count, or neither when the trigger gives none', async () => {
    const { handler } = setup();
    const error = await handler('not an order', testContext({ messageId: 'msg-7', deliveryCount: 3 }).context).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'PoisonMessageError',
      code: 'POISON_MESSAGE',
      retryable: false,
      messageId: 'msg-7',
      deliveryCount: 3,
    });
    const bare = await handler('not an order', testContext({ messageId: 42, deliveryCount: 'many' }).context).catch((e: unknown) => e);
    expect(bare).toMatchObject({ code: 'POISON_MESSAGE', messageId: undefined, deliveryCount: undefined });
    const none = await handler('not an order', testContext().context).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'POISON_MESSAGE', messageId: undefined, deliveryCount: undefined });
  });

  it('runs with its defaults: the consumer retry policy, and no downstream steps', async () => {
    const table = new FakeOrdersTable();
    const sleeps: number[] = [];
    const handler = createProcessOrderHandler({
      ordersTable: () => table,
      acceptedOrders: () => new FakeAcceptedOrdersTable(),
      now: () => PROCESSED_AT,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
    });
    table.failNext('createEntity', tableError(503));
    await handler(acceptedSample(), delivery().context);
    // The consumer policy's first backoff: half of 500 ms with random() = 0.
    expect(sleeps).toEqual([250]);
    expect(table.entities.get(recordKey(acceptedSample().orderId))).toMatchObject({ status: 'processed' });
  });

  it('retries transient table failures with growing backoff, then succeeds', async () => {
    const { table, handler, sleeps } = setup();
    table.failNext('createEntity', tableError(503), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), tableError(429));
    const { context, logs } = delivery();
    await handler(acceptedSample(), context);

    // Equal jitter with random() = 0.5: three quarters of 500, 1000, 2000 ms.
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(table.calls.filter((c) => c === 'createEntity')).toHaveLength(4);
    expect(logFields(logs, 'order.retry')).toEqual([1, 2, 3].map((attempt) => ({ step: 'claimOrder', attempt: String(attempt) })));
  });

  it('retries a read of the accept record that fails transiently, naming the step in its log line', async () => {
    const { accepted, handler, table } = setup();
    accepted.failNext('getEntity', tableError(503));
    const { context, logs } = delivery();
    await handler(acceptedSample(), context);
    expect(logFields(logs, 'order.retry')).toEqual([{ step: 'readAcceptRecord', attempt: '1' }]);
    expect(table.entities.get(recordKey(acceptedSample().orderId))).toMatchObject({ status: 'processed' });
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
      acceptedOrders: () => new FakeAcceptedOrdersTable(),
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

  it('logs the missing settings and throws when a table is not configured', async () => {
    const handler = createProcessOrderHandler({
      ordersTable: () => new FakeOrdersTable(),
      acceptedOrders: () => {
        throw new SettingsError(['ORDERS_ACCEPTED_TABLE_NAME is not set']);
      },
    });
    const { context, logs } = delivery();
    await expect(handler(acceptedSample(), context)).rejects.toBeInstanceOf(SettingsError);
    expect(logText(logs, 'error')).toContain('ORDERS_ACCEPTED_TABLE_NAME');
    expect(logEvents(logs)).toEqual(['order.processor-unconfigured']);
  });
});

function withoutId<T extends { orderId: string }>(record: T): Omit<T, 'orderId'> {
  const { orderId: _, ...rest } = record;
  return rest;
}
