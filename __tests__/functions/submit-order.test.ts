import { AppSetting, MAX_ORDER_BODY_BYTES } from '../../functions/app-settings';
import { MAX_LISTED_ERRORS, MAX_LISTED_FIELD_LENGTH } from '../../functions/http/problem';
import { createSubmitOrderHandler, type OrderMessage, type OrderSender } from '../../functions/http/submit-order';
import { orderIdFor } from '../../functions/orders/order-id';
import { SettingsError } from '../../functions/settings';
import { bodyOf, headerOf, jsonRequest, logText, sampleOrder, sampleOrderText, testContext } from '../helpers/invocation';

const NOW = new Date('2026-03-01T10:00:00Z');

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

function handlerWith(sender: OrderSender, sendTimeoutMs = 5_000) {
  return createSubmitOrderHandler({ sender: () => sender, sendTimeoutMs: () => sendTimeoutMs, now: () => NOW, randomId: () => '0b9e7c55-5f0e-4d52-9f4b-7d9a3c2e1f00' });
}

describe('POST /api/orders', () => {
  it('enqueues one message shaped for Service Bus and answers 202 with the status location', async () => {
    const { sender, sent } = recordingSender();
    const { context } = testContext();
    const response = await handlerWith(sender)(jsonRequest(sampleOrderText, { 'x-correlation-id': 'web-7f3a' }), context);

    const orderId = orderIdFor('cust-1001', 'checkout-2f9c1e7a');
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
  });

  it('gives a retried request the same order id (and so the same Service Bus message id)', async () => {
    const { sender, sent } = recordingSender();
    const handler = handlerWith(sender);
    await handler(jsonRequest(sampleOrderText), testContext().context);
    await handler(jsonRequest(sampleOrderText), testContext().context);
    expect(sent[1].messageId).toBe(sent[0].messageId);
  });

  it('uses a random id without an idempotency key, and the invocation id when the correlation header is unusable', async () => {
    const { sender, sent } = recordingSender();
    const { idempotencyKey: _, ...order } = sampleOrder();
    const response = await handlerWith(sender)(jsonRequest(JSON.stringify(order), { 'x-correlation-id': 'has spaces and ünïcode' }), testContext().context);
    expect(bodyOf(response).orderId).toBe('0b9e7c55-5f0e-4d52-9f4b-7d9a3c2e1f00');
    expect(sent[0].correlationId).toBe('inv-0001');
  });

  it.each([
    ['malformed JSON', 400, '(body)', () => jsonRequest('{"customerId": ')],
    ['a body that is not an object', 400, '(body)', () => jsonRequest('[1,2]')],
    ['a missing field', 400, 'customerId', () => jsonRequest(JSON.stringify({ ...sampleOrder(), customerId: undefined }))],
    ['a non-positive quantity', 400, 'items[0].quantity', () => jsonRequest(JSON.stringify({ ...sampleOrder(), items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }))],
    ['an unknown currency', 400, 'currency', () => jsonRequest(JSON.stringify({ ...sampleOrder(), currency: 'XYZ' }))],
    ['text/plain', 415, 'content-type', () => jsonRequest(sampleOrderText, { 'content-type': 'text/plain' })],
    ['a declared length over the limit', 413, '(body)', () => jsonRequest(sampleOrderText, { 'content-length': String(MAX_ORDER_BODY_BYTES + 1) })],
    ['an actual length over the limit', 413, '(body)', () => jsonRequest(JSON.stringify({ ...sampleOrder(), pad: 'x'.repeat(MAX_ORDER_BODY_BYTES) }))],
  ])('rejects %s with %i naming %s, and sends nothing', async (_, status, field, request) => {
    const { sender } = recordingSender();
    const response = await handlerWith(sender)(request(), testContext().context);
    expect(response.status).toBe(status);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({ status, type: expect.stringMatching(/^urn:problem:/), title: expect.any(String), detail: expect.any(String) });
    expect(bodyOf(response).errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(sender.sendMessages).not.toHaveBeenCalled();
  });

  it('lists at most 20 problems and counts the rest, so a body of 5,000 unknown keys gets an answer smaller than itself', async () => {
    // Issue 7 finding 9: a 49 KB body with 5,000 unknown keys got a 254 KB answer.
    const order: Record<string, unknown> = sampleOrder();
    for (let i = 0; i < 5_000; i++) order[`u${i}`] = 1;
    const body = JSON.stringify(order);
    const response = await handlerWith(recordingSender().sender)(jsonRequest(body), testContext().context);
    expect(response.status).toBe(400);
    expect(bodyOf(response).errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(bodyOf(response).errorsOmitted).toBe(5_000 - MAX_LISTED_ERRORS);
    expect(JSON.stringify(bodyOf(response)).length).toBeLessThan(body.length);
  });

  it('cuts a long field name (an unknown key) in the answer', async () => {
    const body = JSON.stringify({ ...sampleOrder(), ['k'.repeat(60_000)]: 1 });
    const response = await handlerWith(recordingSender().sender)(jsonRequest(body), testContext().context);
    expect(bodyOf(response).errors[0].field).toHaveLength(MAX_LISTED_FIELD_LENGTH + 3);
    expect(bodyOf(response).errorsOmitted).toBeUndefined();
    expect(JSON.stringify(bodyOf(response)).length).toBeLessThan(1_000);
  });

  it('accepts a charset parameter on the content type', async () => {
    const { sender } = recordingSender();
    const response = await handlerWith(sender)(jsonRequest(sampleOrderText, { 'content-type': 'Application/JSON; charset=utf-8' }), testContext().context);
    expect(response.status).toBe(202);
  });

  it('answers 503 with Retry-After and logs the cause when the send fails', async () => {
    const { sender } = recordingSender(async () => {
      throw Object.assign(new Error('Unauthorized access. Send claim is required'), { code: 'UnauthorizedAccessError' });
    });
    const { context, logs } = testContext();
    const response = await handlerWith(sender)(jsonRequest(sampleOrderText), context);
    expect(response.status).toBe(503);
    expect(headerOf(response, 'retry-after')).toMatch(/^\d+$/);
    expect(bodyOf(response).detail).toMatch(/nothing was accepted, retry with the same idempotencyKey/);
    expect(JSON.stringify(bodyOf(response))).not.toMatch(/Unauthorized|at .*\.ts/);
    expect(logText(logs, 'error')).toMatch(/UnauthorizedAccessError/);
  });

  it('answers 503 within the send bound when Service Bus never answers, and aborts the send', async () => {
    let aborted = false;
    const { sender } = recordingSender(
      (_, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    );
    const started = Date.now();
    const response = await handlerWith(sender, 50)(jsonRequest(sampleOrderText), testContext().context);
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(aborted).toBe(true);
  });

  it('answers 503 and names the missing settings in the log when configuration is missing', async () => {
    const handler = createSubmitOrderHandler({
      sender: () => {
        throw new SettingsError([`${AppSetting.serviceBusNamespace} is not set`, `${AppSetting.queueName} is not set`]);
      },
      sendTimeoutMs: () => 5_000,
    });
    const { context, logs } = testContext();
    const response = await handler(jsonRequest(sampleOrderText), context);
    expect(response.status).toBe(503);
    expect(headerOf(response, 'retry-after')).toBeDefined();
    expect(logText(logs, 'error')).toContain(AppSetting.serviceBusNamespace);
    expect(logText(logs, 'error')).toContain(AppSetting.queueName);
  });
});
