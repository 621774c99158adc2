import { AppSetting, MAX_ORDER_BODY_BYTES } from '../../functions/app-settings';
import { MAX_LISTED_ERRORS, MAX_LISTED_FIELD_LENGTH, PROBLEM_TYPES } from '../../functions/http/problem';
import { acceptWindowMs, createSubmitOrderHandler, type OrderMessage, type OrderSender } from '../../functions/http/submit-order';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { SettingsError } from '../../functions/settings';
import { ACCEPT_RECORD_ROW_KEY } from '../../functions/store/accepted-orders';
import { FakeAcceptedOrdersTable, tableError } from '../helpers/fake-orders-table';
import { bodyOf, headerOf, jsonRequest, logEvents, logText, sampleOrder, sampleOrderText, testContext } from '../helpers/invocation';
import { expectDocumented } from '../helpers/openapi';
import { SAMPLE_ORDER_ID } from '../helpers/orders';

const NOW = new Date('2026-03-01T10:00:00Z');
const LATER = new Date('2026-03-01T10:07:00Z');

/** A sender double at the SDK boundary: records what `sendMessages` received. */
function recordingSender(behaviour: (message: OrderMessage, signal: AbortSignal) => Promise<void> = async () => {}) {
  const sent: OrderMessage[] = [];
  const sender: OrderSender = {
    sendMessages: jest.fn(async (message: OrderMessage, options: { abortSignal: AbortSignal }) => {
      sent.push(message);
      await behaviour(message, options.abortSignal);
    }),
  };
  return { sender, sent };
}

function handlerWith(
  sender: OrderSender,
  options: { sendTimeoutMs?: number; table?: FakeAcceptedOrdersTable; now?: () => Date; recordTimeoutMs?: number } = {},
) {
  const table = options.table ?? new FakeAcceptedOrdersTable();
  const submit = createSubmitOrderHandler({
    sender: () => sender,
    acceptedOrders: () => table,
    sendTimeoutMs: () => options.sendTimeoutMs ?? 5_000,
    acceptRecordTimeoutMs: options.recordTimeoutMs,
    now: options.now ?? (() => NOW),
  });
  // Every answer these tests provoke must be one the OpenAPI document describes.
  const handler: typeof submit = async (request, context) => expectDocumented('/orders', 'post', await submit(request, context));
  return { handler, table };
}

/** The sample order without its body key, for requests that carry the key in the header. */
function sampleWithoutKey(): Record<string, unknown> {
  const { idempotencyKey: _, ...order } = sampleOrder();
  return order;
}

function fieldsOf(response: { jsonBody?: unknown }): string[] {
  return (bodyOf(response).errors as Array<{ field: string }>).map((e) => e.field);
}

describe('POST /api/orders', () => {
  it('writes the accept record first, then enqueues one message shaped for Service Bus, marks the record queued, and answers 202 with the status location', async () => {
    const { sender, sent } = recordingSender(async () => {
      // The record is there before the message goes out, not yet confirmed.
      expect([...table.entities.values()].map((e) => e.state)).toEqual(['received']);
    });
    const { handler, table } = handlerWith(sender);
    const response = await handler(jsonRequest(sampleOrderText, { 'x-correlation-id': 'web-7f3a' }), testContext().context);

    const orderId = SAMPLE_ORDER_ID;
    expect(response.status).toBe(202);
    expect(headerOf(response, 'location')).toBe(`/api/orders/${orderId}`);
    expect(bodyOf(response)).toEqual({ orderId, status: 'accepted', statusUrl: `/api/orders/${orderId}` });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      messageId: orderId,
      contentType: 'application/json',
      correlationId: 'web-7f3a',
      subject: 'order.accepted',
      body: {
        schemaVersion: 1,
        orderId,
        customerId: 'cust-1001',
        currency: 'EUR',
        items: sampleOrder().items,
        totalMinorUnits: 3399,
        acceptedAt: NOW.toISOString(),
      },
    });
    const { etag: _, ...record } = table.entities.get(`${orderId}/${ACCEPT_RECORD_ROW_KEY}`)!;
    expect(record).toEqual({
      partitionKey: orderId,
      rowKey: ACCEPT_RECORD_ROW_KEY,
      customerId: 'cust-1001',
      currency: 'EUR',
      totalMinorUnits: 3399,
      itemCount: 2,
      acceptedAt: NOW.toISOString(),
      requestFingerprint: requestFingerprint({ customerId: 'cust-1001', currency: 'EUR', items: sampleOrder().items as never }),
      state: 'queued',
      queuedAt: NOW.toISOString(),
      schemaVersion: 2,
    });
  });

  describe('the trace context on the message', () => {
    const TRACE_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    it("carries the invocation's W3C trace parent as Diagnostic-Id and traceparent, and logs its trace id", async () => {
      const { sender, sent } = recordingSender();
      const { context, logs } = testContext(undefined, 'inv-0001', { traceParent: TRACE_PARENT, traceState: 'rojo=00f067aa0ba902b7' });
      const response = await handlerWith(sender).handler(jsonRequest(sampleOrderText), context);
      expect(response.status).toBe(202);
      expect(sent[0].applicationProperties).toEqual({ 'Diagnostic-Id': TRACE_PARENT, traceparent: TRACE_PARENT });
      expect(logText(logs, 'information')).toContain('trace 4bf92f3577b34da6a3ce929d0e0e4736');
      expect(logEvents(logs)).toEqual(['order.accepted']);
    });

    it.each([
      ['no trace context', undefined],
      ['an empty trace parent (the host sends "" without an activity)', { traceParent: '' }],
      ['all-zero trace id', { traceParent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }],
      ['all-zero parent id', { traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01' }],
      ['upper-case hex', { traceParent: TRACE_PARENT.toUpperCase() }],
      ['another version', { traceParent: `ff${TRACE_PARENT.slice(2)}` }],
      ['a trailing field', { traceParent: `${TRACE_PARENT}-extra` }],
      ['a header injection attempt', { traceParent: `${TRACE_PARENT}\r\nx-evil: 1` }],
    ])('sends no trace property for %s', async (_, traceContext) => {
      const { sender, sent } = recordingSender();
      const { context, logs } = testContext(undefined, 'inv-0001', traceContext);
      expect((await handlerWith(sender).handler(jsonRequest(sampleOrderText), context)).status).toBe(202);
      expect(sent[0]).not.toHaveProperty('applicationProperties');
      expect(logText(logs, 'information')).toContain('trace none');
    });

    it("never copies the client's traceparent header, valid or not", async () => {
      for (const header of [TRACE_PARENT, 'junk', '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01']) {
        const { sender, sent } = recordingSender();
        const withHeader = jsonRequest(sampleOrderText, { traceparent: header, 'Diagnostic-Id': header });
        await handlerWith(sender).handler(withHeader, testContext().context);
        expect([header, sent[0].applicationProperties]).toEqual([header, undefined]);
      }
      // With both, the invocation's wins.
      const { sender, sent } = recordingSender();
      await handlerWith(sender).handler(
        jsonRequest(sampleOrderText, { traceparent: 'junk' }),
        testContext(undefined, 'inv-0001', { traceParent: TRACE_PARENT }).context,
      );
      expect(sent[0].applicationProperties).toEqual({ 'Diagnostic-Id': TRACE_PARENT, traceparent: TRACE_PARENT });
    });
  });

  it('answers 202 although the record cannot be marked queued (the queue has the order), and says so in the log', async () => {
    const table = new FakeAcceptedOrdersTable();
    table.failNext('updateEntity', tableError(503));
    const { context, logs } = testContext();
    const response = await handlerWith(recordingSender().sender, { table }).handler(jsonRequest(sampleOrderText), context);
    expect(response.status).toBe(202);
    expect([...table.entities.values()][0].state).toBe('received');
    expect(logEvents(logs)).toEqual(['order.mark-queued-failed', 'order.accepted']);
  });

  it('takes the key from the Idempotency-Key header, bare or as a quoted string, for the same order id', async () => {
    const body = JSON.stringify(sampleWithoutKey());
    for (const header of ['checkout-2f9c1e7a', '"checkout-2f9c1e7a"']) {
      const response = await handlerWith(recordingSender().sender).handler(
        jsonRequest(body, { 'idempotency-key': header }),
        testContext().context,
      );
      expect([header, response.status, bodyOf(response).orderId]).toEqual([header, 202, SAMPLE_ORDER_ID]);
    }
    const both = await handlerWith(recordingSender().sender).handler(
      jsonRequest(sampleOrderText, { 'idempotency-key': 'checkout-2f9c1e7a' }),
      testContext().context,
    );
    expect(bodyOf(both).orderId).toBe(SAMPLE_ORDER_ID);
  });

  it.each([
    ['no key at all', JSON.stringify(sampleWithoutKey()), {}, ['Idempotency-Key']],
    [
      'a header and a body key that differ',
      sampleOrderText,
      { 'idempotency-key': 'checkout-other' },
      ['Idempotency-Key', 'idempotencyKey'],
    ],
    ['a blank body key', JSON.stringify({ ...sampleOrder(), idempotencyKey: '   ' }), {}, ['idempotencyKey']],
    [
      'a body key with a trailing space',
      JSON.stringify({ ...sampleOrder(), idempotencyKey: 'checkout-2f9c1e7a ' }),
      {},
      ['idempotencyKey'],
    ],
    ['an empty body key', JSON.stringify({ ...sampleOrder(), idempotencyKey: '' }), {}, ['idempotencyKey']],
    ['a quoted header key with a leading space', JSON.stringify(sampleWithoutKey()), { 'idempotency-key': '" k"' }, ['Idempotency-Key']],
    ['an empty quoted header key', JSON.stringify(sampleWithoutKey()), { 'idempotency-key': '""' }, ['Idempotency-Key']],
    ['a broken quoted header key', JSON.stringify(sampleWithoutKey()), { 'idempotency-key': '"abc' }, ['Idempotency-Key']],
    [
      'a valid header key and an invalid body key',
      JSON.stringify({ ...sampleOrder(), idempotencyKey: 'checkout-2f9c1e7a ' }),
      { 'idempotency-key': 'checkout-2f9c1e7a' },
      ['idempotencyKey'],
    ],
    [
      'a body key that is not a string',
      JSON.stringify({ ...sampleOrder(), idempotencyKey: 42 }),
      { 'idempotency-key': 'checkout-2f9c1e7a' },
      ['idempotencyKey'],
    ],
    [
      'an invalid header key and an invalid body key',
      JSON.stringify({ ...sampleOrder(), idempotencyKey: ' k' }),
      { 'idempotency-key': '"abc' },
      ['Idempotency-Key', 'idempotencyKey'],
    ],
    ['a body that is JSON null', 'null', {}, ['(body)']],
    ['a body that is an array', '[1,2]', {}, ['(body)']],
    ['a body that is a string', '"order"', { 'idempotency-key': 'k' }, ['(body)']],
  ])('rejects %s with 400 naming the key, and writes and sends nothing', async (_, body, headers, fields) => {
    const { sender } = recordingSender();
    const { handler, table } = handlerWith(sender);
    const response = await handler(jsonRequest(body, headers), testContext().context);
    expect(response.status).toBe(400);
    expect(bodyOf(response).type).toBe(PROBLEM_TYPES.invalidRequest);
    expect(fieldsOf(response)).toEqual(fields);
    expect(table.calls).toEqual([]);
    expect(sender.sendMessages).not.toHaveBeenCalled();
  });

  it('names a missing key together with the other invalid fields', async () => {
    const response = await handlerWith(recordingSender().sender).handler(
      jsonRequest(JSON.stringify({ ...sampleWithoutKey(), currency: 'XAU' })),
      testContext().context,
    );
    expect(fieldsOf(response)).toEqual(['Idempotency-Key', 'currency']);
  });

  it('names a missing key together with a rule across fields (a free order, a price too precise)', async () => {
    for (const [items, field] of [
      [[{ sku: 'BOOK-42', quantity: 1, unitPrice: 0 }], 'items'],
      [[{ sku: 'BOOK-42', quantity: 1, unitPrice: 12.345 }], 'items[0].unitPrice'],
    ] as const) {
      const response = await handlerWith(recordingSender().sender).handler(
        jsonRequest(JSON.stringify({ ...sampleWithoutKey(), items })),
        testContext().context,
      );
      expect([response.status, fieldsOf(response)]).toEqual([400, ['Idempotency-Key', field]]);
    }
  });

  it('answers a retry of the same request like the first, and sends a byte-identical message (the stored acceptedAt)', async () => {
    const { sender, sent } = recordingSender();
    const table = new FakeAcceptedOrdersTable();
    const firstLog = testContext();
    const first = await handlerWith(sender, { table, now: () => NOW }).handler(jsonRequest(sampleOrderText), firstLog.context);
    // 12.50 and 12.5 are one price: the same request.
    const retryBody = sampleOrderText.replace('"unitPrice": 12.5', '"unitPrice": 12.50');
    const retryLog = testContext();
    const retry = await handlerWith(sender, { table, now: () => LATER }).handler(jsonRequest(retryBody), retryLog.context);
    expect(logEvents(firstLog.logs)).toEqual(['order.accepted']);
    expect(logEvents(retryLog.logs)).toEqual(['order.request-retried', 'order.accepted']);

    expect(retry.status).toBe(202);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(headerOf(retry, 'location')).toBe(headerOf(first, 'location'));
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent[1].body)).toBe(JSON.stringify(sent[0].body));
    expect(sent[1].messageId).toBe(sent[0].messageId);
    expect(table.entities.size).toBe(1);
  });

  it('refuses a different order under a reused key with 422, keeps the first record and sends nothing', async () => {
    // Issue 7 finding 1: this got 202 and the first order's id; the second cart was then lost.
    const { sender, sent } = recordingSender();
    const table = new FakeAcceptedOrdersTable();
    await handlerWith(sender, { table }).handler(jsonRequest(sampleOrderText), testContext().context);
    const before = JSON.stringify([...table.entities.values()]);

    const otherCart = JSON.stringify({ ...sampleOrder(), items: [{ sku: 'BOOK-42', quantity: 3, unitPrice: 12.5 }] });
    const { context, logs } = testContext();
    const response = await handlerWith(sender, { table, now: () => LATER }).handler(jsonRequest(otherCart), context);

    expect(response.status).toBe(422);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({
      type: PROBLEM_TYPES.idempotencyKeyReused,
      status: 422,
      errors: [{ field: 'idempotencyKey' }],
    });
    expect(sent).toHaveLength(1);
    expect(JSON.stringify([...table.entities.values()])).toBe(before);
    expect(logEvents(logs)).toEqual(['order.key-reused']);
  });

  it('names the header when the reused key came in the header', async () => {
    const table = new FakeAcceptedOrdersTable();
    const headers = { 'idempotency-key': 'k-1' };
    await handlerWith(recordingSender().sender, { table }).handler(
      jsonRequest(JSON.stringify(sampleWithoutKey()), headers),
      testContext().context,
    );
    const other = JSON.stringify({ ...sampleWithoutKey(), currency: 'USD' });
    const response = await handlerWith(recordingSender().sender, { table }).handler(jsonRequest(other, headers), testContext().context);
    expect([response.status, fieldsOf(response)]).toEqual([422, ['Idempotency-Key']]);
  });

  it.each([
    ['a 500', tableError(500)],
    ['a 403 (role assignment not there yet)', tableError(403, 'AuthorizationPermissionMismatch')],
    ['a network error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('answers 503 service-unavailable and sends nothing when the accept record cannot be written (%s)', async (_, error) => {
    const { sender } = recordingSender();
    const table = new FakeAcceptedOrdersTable();
    table.failNext('createEntity', error);
    const { context, logs } = testContext();
    const response = await handlerWith(sender, { table }).handler(jsonRequest(sampleOrderText), context);
    expect(response.status).toBe(503);
    expect(bodyOf(response).type).toBe(PROBLEM_TYPES.serviceUnavailable);
    expect(headerOf(response, 'retry-after')).toMatch(/^\d+$/);
    expect(sender.sendMessages).not.toHaveBeenCalled();
    expect(logEvents(logs)).toEqual(['order.accept-record-failed']);
  });

  it('answers 503 within the bound when the order store hangs, and a retry finds an insert that landed after all', async () => {
    const { sender, sent } = recordingSender();
    const table = new FakeAcceptedOrdersTable();
    // The insert lands, but its answer never comes.
    const insert = table.createEntity.bind(table);
    table.createEntity = async (entity) => {
      await insert(entity);
      return new Promise(() => {});
    };
    const started = Date.now();
    const first = await handlerWith(sender, { table, recordTimeoutMs: 50 }).handler(jsonRequest(sampleOrderText), testContext().context);
    expect([first.status, bodyOf(first).type]).toEqual([503, PROBLEM_TYPES.serviceUnavailable]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sent).toEqual([]);

    table.createEntity = insert;
    const retry = await handlerWith(sender, { table, now: () => LATER }).handler(jsonRequest(sampleOrderText), testContext().context);
    expect(retry.status).toBe(202);
    expect(sent).toHaveLength(1);
    expect((sent[0].body as { acceptedAt: string }).acceptedAt).toBe(NOW.toISOString());
  });

  it('answers 503 outcome-unknown when the send fails after the record was written, and a retry with the same key sends the same message', async () => {
    // Issue 7 finding 3: this said "nothing was accepted", though the broker may have the message.
    let failing = true;
    const { sender, sent } = recordingSender(async () => {
      if (failing) throw Object.assign(new Error('Unauthorized access. Send claim is required'), { code: 'UnauthorizedAccessError' });
    });
    const table = new FakeAcceptedOrdersTable();
    const { context, logs } = testContext();
    const response = await handlerWith(sender, { table }).handler(jsonRequest(sampleOrderText), context);
    expect(response.status).toBe(503);
    expect(bodyOf(response).type).toBe(PROBLEM_TYPES.outcomeUnknown);
    expect(headerOf(response, 'retry-after')).toMatch(/^\d+$/);
    expect(JSON.stringify(bodyOf(response))).not.toMatch(/Unauthorized|at .*\.ts/);
    expect(logEvents(logs)).toEqual(['order.outcome-unknown']);
    expect(logText(logs, 'error')).toContain('UnauthorizedAccessError');

    // Not confirmed: the record stays `received`, which its status reports as unconfirmed.
    expect([...table.entities.values()].map((e) => e.state)).toEqual(['received']);

    failing = false;
    const retry = await handlerWith(sender, { table, now: () => LATER }).handler(jsonRequest(sampleOrderText), testContext().context);
    expect([retry.status, bodyOf(retry).orderId]).toEqual([202, SAMPLE_ORDER_ID]);
    expect(JSON.stringify(sent[1].body)).toBe(JSON.stringify(sent[0].body));
    expect([...table.entities.values()].map((e) => [e.state, e.queuedAt])).toEqual([['queued', LATER.toISOString()]]);
  });

  it('answers 503 outcome-unknown within the send bound when Service Bus never answers, and aborts the send', async () => {
    let aborted = false;
    const { sender } = recordingSender(
      (_, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    );
    const started = Date.now();
    const response = await handlerWith(sender, { sendTimeoutMs: 50 }).handler(jsonRequest(sampleOrderText), testContext().context);
    expect([response.status, bodyOf(response).type]).toEqual([503, PROBLEM_TYPES.outcomeUnknown]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(aborted).toBe(true);
  });

  it('uses the invocation id when the correlation header is unusable', async () => {
    const { sender, sent } = recordingSender();
    await handlerWith(sender).handler(
      jsonRequest(sampleOrderText, { 'x-correlation-id': 'has spaces and ünïcode' }),
      testContext().context,
    );
    expect(sent[0].correlationId).toBe('inv-0001');
  });

  it('keeps a correlation id of 1 to 128 allowed characters, and nothing longer or with other characters at either end (headers arrive trimmed)', async () => {
    const correlationOf = async (header: string) => {
      const { sender, sent } = recordingSender();
      const response = await handlerWith(sender).handler(
        jsonRequest(sampleOrderText, { 'x-correlation-id': header }),
        testContext().context,
      );
      return [sent[0].correlationId, headerOf(response, 'x-correlation-id')];
    };
    for (const kept of ['a', 'c'.repeat(128), 'web-1.checkout:42_x']) expect(await correlationOf(kept)).toEqual([kept, kept]);
    for (const replaced of ['c'.repeat(129), 'abc/', '/abc', 'a b'])
      expect([replaced, await correlationOf(replaced)]).toEqual([replaced, ['inv-0001', 'inv-0001']]);
  });

  it.each([
    ['malformed JSON', 400, '(body)', () => jsonRequest('{"customerId": ')],
    ['a missing field', 400, 'customerId', () => jsonRequest(JSON.stringify({ ...sampleOrder(), customerId: undefined }))],
    [
      'a non-positive quantity',
      400,
      'items[0].quantity',
      () => jsonRequest(JSON.stringify({ ...sampleOrder(), items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] })),
    ],
    ['an unknown currency', 400, 'currency', () => jsonRequest(JSON.stringify({ ...sampleOrder(), currency: 'XYZ' }))],
    ['text/plain', 415, 'content-type', () => jsonRequest(sampleOrderText, { 'content-type': 'text/plain' })],
    [
      'a declared length over the limit',
      413,
      '(body)',
      () => jsonRequest(sampleOrderText, { 'content-length': String(MAX_ORDER_BODY_BYTES + 1) }),
    ],
    [
      'an actual length over the limit',
      413,
      '(body)',
      () => jsonRequest(JSON.stringify({ ...sampleOrder(), pad: 'x'.repeat(MAX_ORDER_BODY_BYTES) })),
    ],
  ])('rejects %s with %i naming %s, and writes and sends nothing', async (_, status, field, request) => {
    const { sender } = recordingSender();
    const { handler, table } = handlerWith(sender);
    const response = await handler(request(), testContext().context);
    expect(response.status).toBe(status);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({
      status,
      type: PROBLEM_TYPES.invalidRequest,
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(fieldsOf(response)).toContain(field);
    expect(table.calls).toEqual([]);
    expect(sender.sendMessages).not.toHaveBeenCalled();
  });

  it('lists at most 20 problems and counts the rest, so a body of 5,000 unknown keys gets an answer smaller than itself', async () => {
    // Issue 7 finding 9: a 49 KB body with 5,000 unknown keys got a 254 KB answer.
    const order: Record<string, unknown> = sampleOrder();
    for (let i = 0; i < 5_000; i++) order[`u${i}`] = 1;
    const body = JSON.stringify(order);
    const response = await handlerWith(recordingSender().sender).handler(jsonRequest(body), testContext().context);
    expect(response.status).toBe(400);
    expect(bodyOf(response).errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(bodyOf(response).errorsOmitted).toBe(5_000 - MAX_LISTED_ERRORS);
    expect(JSON.stringify(bodyOf(response)).length).toBeLessThan(body.length);
  });

  it('cuts a long field name (an unknown key) in the answer', async () => {
    const body = JSON.stringify({ ...sampleOrder(), ['k'.repeat(60_000)]: 1 });
    const response = await handlerWith(recordingSender().sender).handler(jsonRequest(body), testContext().context);
    expect(bodyOf(response).errors[0].field).toHaveLength(MAX_LISTED_FIELD_LENGTH + 3);
    expect(bodyOf(response).errorsOmitted).toBeUndefined();
    expect(JSON.stringify(bodyOf(response)).length).toBeLessThan(1_000);
  });

  it('stamps acceptedAt from the clock when none is given, and allows 17 s for a request to finish with the default bounds', async () => {
    const { sender, sent } = recordingSender();
    const submit = createSubmitOrderHandler({
      sender: () => sender,
      acceptedOrders: () => new FakeAcceptedOrdersTable(),
      sendTimeoutMs: () => 5_000,
    });
    const before = Date.now();
    expect((await submit(jsonRequest(sampleOrderText), testContext().context)).status).toBe(202);
    const acceptedAt = Date.parse((sent[0].body as { acceptedAt: string }).acceptedAt);
    expect(acceptedAt).toBeGreaterThanOrEqual(before);
    expect(acceptedAt).toBeLessThanOrEqual(Date.now());
    // Accept record 5 s + send 5 s + marking queued 2 s + clock skew 5 s.
    expect(acceptWindowMs(5_000)).toBe(17_000);
    expect(acceptWindowMs(10_000, 1_000)).toBe(18_000);
  });

  it('accepts a charset parameter on the content type', async () => {
    const response = await handlerWith(recordingSender().sender).handler(
      jsonRequest(sampleOrderText, { 'content-type': 'Application/JSON; charset=utf-8' }),
      testContext().context,
    );
    expect(response.status).toBe(202);
  });

  it('answers 503 and names the missing settings in the log when configuration is missing, and writes nothing', async () => {
    const table = new FakeAcceptedOrdersTable();
    const handler = createSubmitOrderHandler({
      sender: () => {
        throw new SettingsError([`${AppSetting.serviceBusNamespace} is not set`, `${AppSetting.queueName} is not set`]);
      },
      acceptedOrders: () => table,
      sendTimeoutMs: () => 5_000,
    });
    const { context, logs } = testContext();
    const response = expectDocumented('/orders', 'post', await handler(jsonRequest(sampleOrderText), context));
    expect([response.status, bodyOf(response).type]).toEqual([503, PROBLEM_TYPES.serviceUnavailable]);
    expect(headerOf(response, 'retry-after')).toBeDefined();
    expect(logText(logs, 'error')).toContain(AppSetting.serviceBusNamespace);
    expect(logText(logs, 'error')).toContain(AppSetting.queueName);
    expect(logEvents(logs)).toEqual(['order.intake-unconfigured']);
    expect(table.calls).toEqual([]);
  });
});
