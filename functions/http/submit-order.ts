import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { MAX_ORDER_BODY_BYTES } from '../app-settings';
import { IDEMPOTENCY_KEY_FIELD, IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../orders/idempotency-key';
import { IDEMPOTENCY_KEY } from '../orders/order-fields';
import { buildAcceptedOrder, ORDER_ACCEPTED_SUBJECT, type AcceptedOrder } from '../orders/order-message';
import { orderIdFor } from '../orders/order-id';
import { parseOrderRequest } from '../orders/order-request';
import { requestFingerprint } from '../orders/request-fingerprint';
import { orderStatusPath } from '../registrations';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { acceptRecordOf, markQueued, recordAcceptance, type AcceptRecord, type AcceptedOrdersTable } from '../store/accepted-orders';
import { logLine } from '../telemetry/log-event';
import { traceIdOf, traceProperties, type TraceProperties } from '../telemetry/trace-context';
import { outcomeUnknownProblem, problemResponse, PROBLEM_TYPES, unavailableProblem, validationProblem } from './problem';
import { readJsonBody } from './read-json-body';

/**
 * POST /api/orders: validates an order, writes its accept record, then puts it on the orders queue
 * as one message.
 *
 * 1. A bad order (or a missing, blank or conflicting idempotency key) gets a 4xx naming each field;
 *    nothing is written or sent.
 * 2. The accept record is inserted (store/accepted-orders.ts) under the order id, a UUID v5 of
 *    customer and key. A 409 means the key was used before: with a different request fingerprint the
 *    answer is 422 and nothing changes; with the same one this is a retry, and the message is rebuilt
 *    with the STORED acceptedAt (so its body is byte-identical to the first) and sent again: duplicate
 *    detection drops it if the first landed. Any other insert failure is a 503: nothing was accepted.
 * 3. The send is bounded by ORDERS_SEND_TIMEOUT_MS. If it fails or times out, the broker may still
 *    have the message: 503 `outcome-unknown`, whose detail says only a retry with the same key is safe.
 * 4. Only a confirmed send gets 202. The accept record is then marked `queued` (best effort, bounded:
 *    if that fails the order is still accepted, and its status reads `unconfirmed` until a retry).
 *
 * The message carries the invocation's W3C trace parent (telemetry/trace-context.ts), so the
 * processing shows up in Application Insights as part of this request's operation.
 */

/** The message as `ServiceBusSender.sendMessages` takes it (@azure/service-bus ServiceBusMessage). */
export interface OrderMessage {
  readonly messageId: string;
  readonly contentType: 'application/json';
  readonly correlationId: string;
  readonly subject: string;
  readonly body: unknown;
  /** `Diagnostic-Id` and `traceparent`, when the invocation has a valid trace parent. */
  readonly applicationProperties?: TraceProperties;
}

/** The part of `ServiceBusSender` the producer uses; tests pass a double of it. */
export interface OrderSender {
  sendMessages(message: OrderMessage, options: { abortSignal: AbortSignal }): Promise<void>;
}

export interface SubmitOrderDependencies {
  /** The queue sender, created on first use; throws SettingsError when its settings are missing. */
  readonly sender: () => OrderSender;
  /** The accept-record table, created on first use; throws SettingsError when its settings are missing. */
  readonly acceptedOrders: () => AcceptedOrdersTable;
  /** Bound on one send in ms (`ORDERS_SEND_TIMEOUT_MS`); throws SettingsError when the setting is invalid. */
  readonly sendTimeoutMs: () => number;
  /** Bound on each accept-record call. @default DEFAULT_ACCEPT_RECORD_TIMEOUT_MS */
  readonly acceptRecordTimeoutMs?: number;
  readonly now?: () => Date;
}

/** Insert and the read after a 409, within 5 s together. */
export const DEFAULT_ACCEPT_RECORD_TIMEOUT_MS = 5_000;
/** Marking the record `queued` after a confirmed send: short, it only delays the 202. */
export const MARK_QUEUED_TIMEOUT_MS = 2_000;
/** Allowance for the clocks of two instances (the one that accepted, the one asked for the status). */
export const CLOCK_SKEW_MS = 5_000;

/**
 * How long after `acceptedAt` the request that wrote an accept record can still be sending its
 * message or marking it queued (with the default 5 s send bound: 5 + 5 + 2 + 5 = 17 s). A record
 * still `received` after that was not confirmed: the client got 503 `outcome-unknown`, or the mark
 * failed after a 202. The status endpoint uses it to tell "still being answered" from "unconfirmed".
 */
export function acceptWindowMs(sendTimeoutMs: number, acceptRecordTimeoutMs = DEFAULT_ACCEPT_RECORD_TIMEOUT_MS): number {
  return acceptRecordTimeoutMs + sendTimeoutMs + MARK_QUEUED_TIMEOUT_MS + CLOCK_SKEW_MS;
}

/** Accepted from `x-correlation-id` as is; anything else is replaced by the invocation id. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createSubmitOrderHandler(dependencies: SubmitOrderDependencies) {
  const now = dependencies.now ?? (() => new Date());
  const recordTimeoutMs = dependencies.acceptRecordTimeoutMs ?? DEFAULT_ACCEPT_RECORD_TIMEOUT_MS;

  return async function submitOrder(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const body = await readJsonBody(request, MAX_ORDER_BODY_BYTES);
    if (!body.ok) return body.response;

    const parsed = parseOrderRequest(body.value);
    if (!parsed.ok && parsed.notAnObject) return validationProblem('the order must be a JSON object; nothing was accepted', parsed.errors);
    // The body key as sent, so an invalid one is named once (by the body schema), not also as missing.
    const sentBodyKey = (body.value as Record<string, unknown>)[IDEMPOTENCY_KEY_FIELD];
    const bodyKey = typeof sentBodyKey === 'string' && IDEMPOTENCY_KEY.test(sentBodyKey) ? sentBodyKey : undefined;
    const headerKey = request.headers.get(IDEMPOTENCY_KEY_HEADER);
    const key = idempotencyKeyOf(headerKey, bodyKey);
    // A body key and no header: the body schema names whatever is wrong with the key (a valid one makes `key` ok).
    const keyNamedByBody = sentBodyKey !== undefined && headerKey === null;
    const errors = [...(key.ok || keyNamedByBody ? [] : key.errors), ...(parsed.ok ? [] : parsed.errors)];
    if (!parsed.ok || !key.ok) {
      return validationProblem(`${errors.length} field(s) are invalid; nothing was accepted`, errors);
    }

    let sender: OrderSender;
    let acceptedOrders: AcceptedOrdersTable;
    let timeoutMs: number;
    try {
      sender = dependencies.sender();
      acceptedOrders = dependencies.acceptedOrders();
      timeoutMs = dependencies.sendTimeoutMs();
    } catch (error) {
      context.error(logLine('order.intake-unconfigured', `Cannot accept orders: ${describeError(error)}`));
      return unavailableProblem('the service is missing configuration; nothing was accepted, retry later');
    }

    const orderId = orderIdFor(parsed.order.customerId, key.key);
    const fingerprint = requestFingerprint(parsed.order);
    const accepting = buildAcceptedOrder(parsed.order, orderId, now());

    let accepted: AcceptedOrder;
    let record: AcceptRecord;
    try {
      const result = await withDeadline(recordTimeoutMs, (abortSignal) =>
        recordAcceptance(acceptedOrders, acceptRecordOf(accepting, fingerprint), abortSignal),
      );
      if (!result.created && result.record.requestFingerprint !== fingerprint) {
        context.warn(
          logLine(
            'order.key-reused',
            `Order ${orderId}: ${key.source} reused with a different request (stored fingerprint ${result.record.requestFingerprint}, this one ${fingerprint}); refused`,
          ),
        );
        return problemResponse({
          type: PROBLEM_TYPES.idempotencyKeyReused,
          status: 422,
          detail: 'this idempotency key was used before for a different order; nothing was accepted. Use a new key for a new order',
          errors: [{ field: key.source, message: 'was used before with a different request' }],
        });
      }
      // A retry of the same request: the message must be the first one, byte for byte.
      accepted = result.created ? accepting : buildAcceptedOrder(parsed.order, orderId, new Date(result.record.acceptedAt));
      record = result.record;
      if (!result.created)
        context.log(
          logLine(
            'order.request-retried',
            `Order ${orderId}: a retry of the same request (accepted at ${result.record.acceptedAt}); sending its message again`,
          ),
        );
    } catch (error) {
      context.error(
        logLine('order.accept-record-failed', `Order ${orderId}: the accept record could not be written: ${describeError(error)}`),
      );
      return unavailableProblem(`the order store did not answer; nothing was accepted, retry with the same ${key.source}`);
    }

    const headerCorrelationId = request.headers.get('x-correlation-id');
    const correlationId = headerCorrelationId && CORRELATION_ID.test(headerCorrelationId) ? headerCorrelationId : context.invocationId;
    // From the invocation only (the host's own activity): never from the request's traceparent header.
    const trace = traceProperties(context.traceContext);
    const message: OrderMessage = {
      messageId: orderId,
      contentType: 'application/json',
      correlationId,
      subject: ORDER_ACCEPTED_SUBJECT,
      body: accepted,
      ...(Object.keys(trace).length > 0 ? { applicationProperties: trace } : {}),
    };
    const where = `correlation ${correlationId}, trace ${traceIdOf(trace) ?? 'none'}`;

    try {
      await withDeadline(timeoutMs, (abortSignal) => sender.sendMessages(message, { abortSignal }));
    } catch (error) {
      context.error(
        logLine(
          'order.outcome-unknown',
          `Order ${orderId} was recorded but its message not confirmed; outcome unknown (${where}): ${describeError(error)}`,
        ),
      );
      return outcomeUnknownProblem(key.source);
    }

    try {
      await withDeadline(MARK_QUEUED_TIMEOUT_MS, (abortSignal) => markQueued(acceptedOrders, record, now(), abortSignal));
    } catch (error) {
      // The queue has the order: the 202 stands. Its status reads `unconfirmed` until a retry marks it.
      context.warn(
        logLine(
          'order.mark-queued-failed',
          `Order ${orderId}: its message is queued, but the accept record could not be marked queued (${where}): ${describeError(error)}`,
        ),
      );
    }

    context.log(
      logLine(
        'order.accepted',
        `Order ${orderId} accepted (${where}, ${accepted.items.length} items, ${accepted.totalMinorUnits} minor units of ${accepted.currency})`,
      ),
    );
    const statusUrl = orderStatusPath(orderId);
    return {
      status: 202,
      headers: { location: statusUrl, 'x-correlation-id': correlationId },
      jsonBody: { orderId, status: 'accepted', statusUrl },
    };
  };
}
