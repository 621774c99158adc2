import type { InvocationContext } from '@azure/functions';
import { validateOrderMessage } from '../orders/order-message';
import { CONSUMER_RETRY_BUDGET_MS, CONSUMER_RETRY_POLICY, withRetry, type RetryOptions, type RetryPolicy } from '../resilience/retry-policy';
import { describeError } from '../resilience/transient-errors';
import { claimOrder, markProcessed, type OrdersTable } from '../store/order-records';
import { DOWNSTREAM_STEP_ORDER, NO_DOWNSTREAM_STEPS, type DownstreamSteps } from './downstream-steps';
import { PoisonMessageError } from './poison-message-error';

/**
 * The queue consumer: validates the accepted order, records it idempotently in the orders table,
 * runs the downstream steps and marks it processed.
 *
 * - Poison (invalid, total mismatch): logged and thrown as PoisonMessageError, never recorded, so
 *   Service Bus dead-letters it after the max delivery count (see poison-message-error.ts).
 * - Transient failures: retried here with backoff (resilience/retry-policy.ts), all steps of one
 *   message within one time budget well inside the lock, then thrown, so the message is redelivered.
 * - Redelivery of a processed order: logged as a duplicate, no second side effect. Redelivery of an
 *   order still `processing` (an earlier delivery died midway): resumed.
 */

export interface ProcessOrderDependencies {
  /** The orders table, created on first use; throws SettingsError when its settings are missing. */
  readonly ordersTable: () => OrdersTable;
  readonly downstream?: DownstreamSteps;
  readonly now?: () => Date;
  readonly retryPolicy?: RetryPolicy;
  /** What all retried steps of one message may take together. @default CONSUMER_RETRY_BUDGET_MS */
  readonly retryBudgetMs?: number;
  readonly sleep?: RetryOptions['sleep'];
  readonly random?: RetryOptions['random'];
}

export function createProcessOrderHandler(dependencies: ProcessOrderDependencies) {
  const downstream = dependencies.downstream ?? NO_DOWNSTREAM_STEPS;
  const now = dependencies.now ?? (() => new Date());
  const policy = dependencies.retryPolicy ?? CONSUMER_RETRY_POLICY;
  const budgetMs = dependencies.retryBudgetMs ?? CONSUMER_RETRY_BUDGET_MS;
  const clock = () => now().getTime();

  return async function processOrder(message: unknown, context: InvocationContext): Promise<void> {
    const { messageId, deliveryCount } = deliveryOf(context);
    const where = `message ${messageId ?? '(no id)'}, delivery ${deliveryCount ?? '?'}`;

    // The host JSON-parses the body when it can, so it may be an object, a string or a number (trap 2.1).
    const validation = validateOrderMessage(message);
    if (!validation.ok) {
      context.error(`Poison order (${where}): ${validation.reason}. It will be dead-lettered after the queue's max delivery count.`);
      throw new PoisonMessageError(validation.reason, messageId, deliveryCount);
    }
    const order = validation.order;

    const budgetEndsAt = clock() + budgetMs;
    const retrying = <T>(step: string, operation: (abortSignal: AbortSignal) => Promise<T>) =>
      withRetry(operation, policy, {
        sleep: dependencies.sleep,
        random: dependencies.random,
        budgetEndsAt,
        now: clock,
        onRetry: ({ attempt, delayMs, error }) =>
          context.warn(`Order ${order.orderId}: ${step} attempt ${attempt} failed (${describeError(error)}); retrying in ${delayMs} ms (${where})`),
      });

    let table: OrdersTable;
    try {
      table = dependencies.ordersTable();
    } catch (error) {
      context.error(`Order ${order.orderId} cannot be recorded (${where}): ${describeError(error)}`);
      throw error;
    }
    const claim = await retrying('record', (signal) => claimOrder(table, order, signal));
    if (!claim.claimed && claim.record.status === 'processed') {
      context.log(`Order ${order.orderId} was already processed at ${claim.record.processedAt}: duplicate delivery ignored (${where})`);
      return;
    }
    if (!claim.claimed) {
      context.warn(`Order ${order.orderId} was left 'processing' by an earlier delivery: resuming (${where})`);
    }

    for (const step of DOWNSTREAM_STEP_ORDER) {
      await retrying(step, (signal) => downstream[step](order, { idempotencyKey: order.orderId, abortSignal: signal }));
    }

    const done = await retrying('mark processed', (signal) => markProcessed(table, claim.record, now(), signal));
    context.log(`Order ${order.orderId} processed at ${done.processedAt} (${where})`);
  };
}

/** messageId and deliveryCount from the trigger metadata (camelCased by the library: trap 2.2). */
function deliveryOf(context: InvocationContext): { messageId?: string; deliveryCount?: number } {
  const metadata = context.triggerMetadata ?? {};
  const messageId = typeof metadata.messageId === 'string' ? metadata.messageId : undefined;
  const deliveryCount = Number(metadata.deliveryCount);
  return { messageId, deliveryCount: Number.isFinite(deliveryCount) ? deliveryCount : undefined };
}
