import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { canonicalOrderId, isUuid } from '../orders/order-id';
import { orderStatusOf } from '../orders/order-status';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { findAcceptRecord, type AcceptedOrdersTable } from '../store/accepted-orders';
import { findOrder, type OrdersTable } from '../store/order-records';
import { logLine } from '../telemetry/log-event';
import { PROBLEM_TYPES, problemResponse, unavailableProblem, validationProblem } from './problem';
import { acceptWindowMs } from './submit-order';

/**
 * GET /api/orders/{id}: where an order is (orders/order-status.ts has the rules). 200 with `status`
 * `pending` (and `Retry-After`), `processed` or `failed`; 404 only when neither the accept record nor
 * the processor's record exists, that is for an id this API never accepted.
 */

export interface GetOrderStatusDependencies {
  /** The orders table, created on first use; throws SettingsError when its settings are missing. */
  readonly ordersTable: () => OrdersTable;
  /** The accept-record table, created on first use; throws SettingsError when its settings are missing. */
  readonly acceptedOrders: () => AcceptedOrdersTable;
  /** The producer's send bound (`ORDERS_SEND_TIMEOUT_MS`): it sets how long a request may still be sending. */
  readonly sendTimeoutMs: () => number;
  /** Bound on the two table reads: a status call answers 503 quickly rather than hang. */
  readonly lookupTimeoutMs?: number;
  readonly now?: () => Date;
}

export const DEFAULT_LOOKUP_TIMEOUT_MS = 5_000;

export function createGetOrderStatusHandler(dependencies: GetOrderStatusDependencies) {
  const timeoutMs = dependencies.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
  const now = dependencies.now ?? (() => new Date());

  return async function getOrderStatus(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    // The route is `orders/{id}`: the host never calls it without one.
    const orderId = request.params.id;
    if (!isUuid(orderId)) {
      return validationProblem('an order id is a UUID', [{ field: 'id', message: 'must be a UUID' }]);
    }
    const id = canonicalOrderId(orderId);

    let view;
    try {
      const orders = dependencies.ordersTable();
      const accepts = dependencies.acceptedOrders();
      const windowMs = acceptWindowMs(dependencies.sendTimeoutMs());
      // Both at once: the orders record wins, the accept record answers until the processor has one.
      const [accepted, order] = await withDeadline(timeoutMs, (abortSignal) =>
        Promise.all([findAcceptRecord(accepts, id, abortSignal), findOrder(orders, id, abortSignal)]),
      );
      view = orderStatusOf(accepted, order, now(), windowMs);
    } catch (error) {
      context.error(logLine('order.status-unavailable', `Status of order ${id} could not be read: ${describeError(error)}`));
      return unavailableProblem('the order store did not answer; retry later');
    }

    if (!view) {
      return problemResponse({
        type: PROBLEM_TYPES.notFound,
        status: 404,
        detail: 'no order with this id was ever accepted',
      });
    }
    if (view.status === 'pending') {
      const { retryAfterSeconds, ...body } = view;
      return { status: 200, headers: { 'cache-control': 'no-store', 'retry-after': String(retryAfterSeconds) }, jsonBody: body };
    }
    return { status: 200, headers: { 'cache-control': 'no-store' }, jsonBody: view };
  };
}
