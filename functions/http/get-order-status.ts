import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { canonicalOrderId, isUuid } from '../orders/order-id';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { findOrder, type OrdersTable } from '../store/order-records';
import { PROBLEM_TYPES, problemResponse, unavailableProblem, validationProblem } from './problem';

/**
 * GET /api/orders/{id}: the recorded order once the consumer has processed it.
 * 404 both for an unknown id and for an order that is accepted but not processed yet.
 */

export interface GetOrderStatusDependencies {
  /** The orders table, created on first use; throws SettingsError when its settings are missing. */
  readonly ordersTable: () => OrdersTable;
  /** Bound on the table read: a status call answers 503 quickly rather than hang. */
  readonly lookupTimeoutMs?: number;
}

export const DEFAULT_LOOKUP_TIMEOUT_MS = 5_000;

export function createGetOrderStatusHandler(dependencies: GetOrderStatusDependencies) {
  const timeoutMs = dependencies.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;

  return async function getOrderStatus(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const orderId = request.params.id ?? '';
    if (!isUuid(orderId)) {
      return validationProblem('Invalid order id', 'an order id is a UUID', [{ field: 'id', message: 'must be a UUID' }]);
    }

    let record;
    try {
      const table = dependencies.ordersTable();
      record = await withDeadline(timeoutMs, (abortSignal) => findOrder(table, canonicalOrderId(orderId), abortSignal));
    } catch (error) {
      context.error(`Status of order ${orderId} could not be read: ${describeError(error)}`);
      return unavailableProblem('Order status unavailable', 'the order store did not answer; retry later');
    }

    if (!record || record.status !== 'processed') {
      return problemResponse({
        type: PROBLEM_TYPES.notFound,
        title: 'Order not found',
        status: 404,
        detail: 'no processed order has this id (an order accepted moments ago may still be in the queue)',
      });
    }
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      jsonBody: {
        orderId: record.orderId,
        status: record.status,
        acceptedAt: record.acceptedAt,
        processedAt: record.processedAt,
        currency: record.currency,
        totalMinorUnits: record.totalMinorUnits,
      },
    };
  };
}
