import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { MAX_ORDER_BODY_BYTES } from '../app-settings';
import { buildAcceptedOrder, ORDER_ACCEPTED_SUBJECT } from '../orders/order-message';
import { orderIdFor } from '../orders/order-id';
import { parseOrderRequest } from '../orders/order-request';
import { orderStatusPath } from '../registrations';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { SettingsError } from '../settings';
import { unavailableProblem, validationProblem } from './problem';
import { readJsonBody } from './read-json-body';

/**
 * POST /api/orders: validates an order and puts it on the orders queue as one message.
 * A bad order gets a 4xx naming each invalid field and is never sent. If the send fails or takes
 * longer than the configured bound, the client gets 503 + Retry-After: nothing was accepted, and a
 * retry with the same idempotencyKey yields the same order id (so at most one order results).
 */

/** The message as `ServiceBusSender.sendMessages` takes it (@azure/service-bus ServiceBusMessage). */
export interface OrderMessage {
  readonly messageId: string;
  readonly contentType: 'application/json';
  readonly correlationId: string;
  readonly subject: string;
  readonly body: unknown;
}

/** The part of `ServiceBusSender` the producer uses; tests pass a double of it. */
export interface OrderSender {
  sendMessages(message: OrderMessage, options: { abortSignal: AbortSignal }): Promise<void>;
}

export interface SubmitOrderDependencies {
  /** The queue sender, created on first use; throws SettingsError when its settings are missing. */
  readonly sender: () => OrderSender;
  /** Bound on one send in ms (`ORDERS_SEND_TIMEOUT_MS`); throws SettingsError when the setting is invalid. */
  readonly sendTimeoutMs: () => number;
  readonly now?: () => Date;
  readonly randomId?: () => string;
}

/** Accepted from `x-correlation-id` as is; anything else is replaced by the invocation id. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createSubmitOrderHandler(dependencies: SubmitOrderDependencies) {
  const now = dependencies.now ?? (() => new Date());
  const randomId = dependencies.randomId ?? randomUUID;

  return async function submitOrder(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const body = await readJsonBody(request, MAX_ORDER_BODY_BYTES);
    if (!body.ok) return body.response;

    const parsed = parseOrderRequest(body.value);
    if (!parsed.ok) {
      const title = parsed.notAnObject ? 'Order must be a JSON object' : 'Invalid order';
      return validationProblem(title, `${parsed.errors.length} field(s) are invalid; nothing was accepted`, parsed.errors);
    }

    let sender: OrderSender;
    let timeoutMs: number;
    try {
      sender = dependencies.sender();
      timeoutMs = dependencies.sendTimeoutMs();
    } catch (error) {
      context.error(`Cannot accept orders: ${error instanceof SettingsError ? error.problems.join('; ') : describeError(error)}`);
      return unavailableProblem('Order intake is not configured', 'the service is missing configuration; nothing was accepted, retry later');
    }

    const orderId = orderIdFor(parsed.order.customerId, parsed.order.idempotencyKey, randomId);
    const accepted = buildAcceptedOrder(parsed.order, orderId, now());
    const headerCorrelationId = request.headers.get('x-correlation-id');
    const correlationId = headerCorrelationId && CORRELATION_ID.test(headerCorrelationId) ? headerCorrelationId : context.invocationId;
    const message: OrderMessage = {
      messageId: orderId,
      contentType: 'application/json',
      correlationId,
      subject: ORDER_ACCEPTED_SUBJECT,
      body: accepted,
    };

    try {
      await withDeadline(timeoutMs, (abortSignal) => sender.sendMessages(message, { abortSignal }));
    } catch (error) {
      context.error(`Order ${orderId} was not enqueued (correlation ${correlationId}): ${describeError(error)}`);
      return unavailableProblem(
        'Order not accepted',
        'the order queue did not confirm the order; nothing was accepted, retry with the same idempotencyKey',
      );
    }

    context.log(`Order ${orderId} accepted (correlation ${correlationId}, ${accepted.items.length} items, ${accepted.totalMinorUnits} minor units of ${accepted.currency})`);
    const statusUrl = orderStatusPath(orderId);
    return {
      status: 202,
      headers: { location: statusUrl, 'x-correlation-id': correlationId },
      jsonBody: { orderId, status: 'accepted', statusUrl },
    };
  };
}
