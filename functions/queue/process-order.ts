import { setTimeout as sleepFor } from 'node:timers/promises';
import type { InvocationContext } from '@azure/functions';
import { validateOrderMessage, type AcceptedOrder } from '../orders/order-message';
import { requestFingerprint } from '../orders/request-fingerprint';
import {
  CONSUMER_RETRY_BUDGET_MS,
  CONSUMER_RETRY_POLICY,
  withRetry,
  type RetryOptions,
  type RetryPolicy,
} from '../resilience/retry-policy';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { findAcceptRecord, type AcceptedOrdersTable } from '../store/accepted-orders';
import { markProcessed, recordFailure, releaseClaim, type OrderRecord, type OrdersTable } from '../store/order-records';
import { logLine } from '../telemetry/log-event';
import { DOWNSTREAM_STEP_ORDER, NO_DOWNSTREAM_STEPS, type DownstreamSteps } from './downstream-steps';
import { acquireClaim } from './order-claim';
import { attributeMessage, type Attribution } from './own-message';
import { PoisonMessageError } from './poison-message-error';

/**
 * The queue consumer: validates the accepted order, checks it against its accept record, claims it
 * in the orders table, runs the downstream steps and marks it processed.
 *
 * - Poison (invalid, total mismatch, acceptedAt too far ahead, a body other than the accepted or the
 *   claimed one): logged and thrown as PoisonMessageError, so Service Bus dead-letters it after the
 *   max delivery count (see poison-message-error.ts). It is never processed; when it is the order's
 *   own message (own-message.ts) the order's record says `failed` with the reason first.
 * - Transient failures: retried here with backoff (resilience/retry-policy.ts), all steps of one
 *   message within one time budget well inside the lock, then thrown, so the message is redelivered.
 * - Redelivery of a processed order: logged as a duplicate, no second side effect. An order claimed
 *   by another delivery: waited for, taken over only once the claim expired (order-claim.ts).
 */

/**
 * How far ahead of this consumer's clock `acceptedAt` may be. The producer stamps it from its own
 * clock just before sending, and Azure hosts keep time to well within a second, so minutes ahead is
 * not a real acceptance time (a hand-made or forged message) and would corrupt every latency and
 * ordering derived from it. 5 minutes is the usual clock-skew allowance (Entra ID tokens use it).
 */
export const MAX_ACCEPTED_AT_AHEAD_MS = 5 * 60_000;

/** Bound on releasing a claim after a failure: best effort, the lease covers a release that fails. */
const RELEASE_TIMEOUT_MS = 2_000;
/** Bound on recording a poison message's failure: best effort, the dead-letter scan records it later. */
const FAILURE_RECORD_TIMEOUT_MS = 2_000;

export interface ProcessOrderDependencies {
  /** The orders table, created on first use; throws SettingsError when its settings are missing. */
  readonly ordersTable: () => OrdersTable;
  /** The accept-record table, created on first use; throws SettingsError when its settings are missing. */
  readonly acceptedOrders: () => AcceptedOrdersTable;
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
  const sleep = dependencies.sleep ?? sleepFor;
  const random = dependencies.random ?? Math.random;
  const clock = () => now().getTime();

  return async function processOrder(message: unknown, context: InvocationContext): Promise<void> {
    const { messageId, deliveryCount } = deliveryOf(context);
    const where = `message ${messageId ?? '(no id)'}, delivery ${deliveryCount ?? '?'}`;
    /**
     * Logs the reason and throws PoisonMessageError. When the message is the order's own (`own`),
     * the order's record says `failed` first, so its status tells the client (best effort).
     */
    const poison = async (reason: string, own?: Attribution): Promise<never> => {
      context.error(
        logLine('order.poison', `Poison order (${where}): ${reason}. It will be dead-lettered after the queue's max delivery count.`),
      );
      if (own?.own && table) {
        const failure = { failedBy: 'processor' as const, reason: `rejected by the processor: ${reason}`, failedAt: now() };
        const recorded = await withDeadline(FAILURE_RECORD_TIMEOUT_MS, (signal) =>
          recordFailure(table!, own.order, own.fingerprint, failure, signal),
        ).then(
          (outcome) => ({ outcome, why: '' }),
          (error: unknown) => ({ outcome: 'not-recorded', why: ` (${describeError(error)})` }),
        );
        context.warn(
          logLine('order.failure-record', `Order ${own.order.orderId}: failure ${recorded.outcome}${recorded.why} (${where})`, {
            outcome: recorded.outcome,
          }),
        );
      }
      throw new PoisonMessageError(reason, messageId, deliveryCount);
    };
    let table: OrdersTable | undefined;

    // The host JSON-parses the body when it can, so it may be an object, a string or a number (docs/functions-runtime.md, 2.1).
    const validation = validateOrderMessage(message);
    if (!validation.ok && !validation.order) return poison(validation.reason);
    const stated: AcceptedOrder = validation.order!;

    const budgetEndsAt = clock() + budgetMs;
    const retrying = <T>(step: string, operation: (abortSignal: AbortSignal) => Promise<T>) =>
      withRetry(operation, policy, {
        sleep,
        random,
        budgetEndsAt,
        now: clock,
        onRetry: ({ attempt, delayMs, error }) =>
          context.warn(
            logLine(
              'order.retry',
              `Order ${stated.orderId}: attempt failed (${describeError(error)}); retrying in ${delayMs} ms (${where})`,
              {
                step,
                attempt,
              },
            ),
          ),
      });

    let acceptedOrders: AcceptedOrdersTable;
    try {
      table = dependencies.ordersTable();
      acceptedOrders = dependencies.acceptedOrders();
    } catch (error) {
      context.error(
        logLine('order.processor-unconfigured', `Order ${stated.orderId} cannot be recorded (${where}): ${describeError(error)}`),
      );
      throw error;
    }

    // The body must be the request that was accepted under this order id.
    const accepted = await retrying('readAcceptRecord', (signal) => findAcceptRecord(acceptedOrders, stated.orderId, signal));
    const fingerprint = requestFingerprint(stated);
    if (!accepted) {
      context.warn(
        logLine(
          'order.no-accept-record',
          `Order ${stated.orderId} has no accept record (sent before accept records existed, or by hand): processing it on the message alone (${where})`,
        ),
      );
    } else if (accepted.requestFingerprint !== fingerprint) {
      return poison(
        `the body is not the accepted request: accept record fingerprint ${accepted.requestFingerprint}, message fingerprint ${fingerprint}`,
      );
    }
    const own = attributeMessage(stated, accepted);
    if (!validation.ok) return poison(validation.reason, own);
    const order = validation.order;
    const aheadMs = Date.parse(order.acceptedAt) - clock();
    if (aheadMs > MAX_ACCEPTED_AT_AHEAD_MS) {
      return poison(
        `acceptedAt ${order.acceptedAt} is ${Math.round(aheadMs / 1000)} s ahead of this consumer's clock (at most ${MAX_ACCEPTED_AT_AHEAD_MS / 1000} s allowed)`,
        own,
      );
    }

    const owner = context.invocationId;
    const claim = await acquireClaim({
      table,
      order,
      requestFingerprint: fingerprint,
      owner,
      now: clock,
      budgetEndsAt,
      sleep,
      random,
      retrying,
      onWait: (record, pauseMs) =>
        context.log(
          logLine(
            'order.claim-wait',
            `Order ${order.orderId} is claimed by ${record.claimOwner} until ${record.claimExpiresAt}: waiting ${pauseMs} ms (${where})`,
          ),
        ),
    });
    if (claim.kind === 'different-body') {
      return poison(
        `the body differs from the one recorded for this order: record fingerprint ${claim.record.requestFingerprint ?? `(none; ${claim.record.totalMinorUnits} minor units, ${claim.record.itemCount} items)`}, message fingerprint ${fingerprint}`,
      );
    }
    if (claim.kind === 'processed') {
      context.log(
        logLine(
          'order.duplicate',
          `Order ${order.orderId} was already processed at ${claim.record.processedAt}: duplicate delivery ignored (${where})`,
        ),
      );
      return;
    }
    if (claim.tookOver) {
      context.warn(
        logLine(
          'order.claim-taken-over',
          `Order ${order.orderId}: took over the expired claim of ${claim.previousOwner ?? 'an earlier version'}; resuming (${where})`,
        ),
      );
    }

    let done: OrderRecord;
    try {
      await runSteps(order, retrying);
      done = await retrying('markProcessed', (signal) => markProcessed(table, claim.record, now(), signal));
    } catch (error) {
      // Let the redelivery take over at once instead of waiting for the lease.
      const released = await withDeadline(RELEASE_TIMEOUT_MS, (signal) => releaseClaim(table, claim.record, now(), signal)).catch(
        () => false,
      );
      context.warn(
        logLine('order.processing-failed', `Order ${order.orderId}: processing failed (${where})`, {
          claim: released ? 'released' : 'left-to-expire',
        }),
      );
      throw error;
    }
    context.log(logLine('order.processed', `Order ${order.orderId} processed at ${done.processedAt} (${where})`));
  };

  async function runSteps(
    order: AcceptedOrder,
    retrying: <T>(step: string, operation: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>,
  ): Promise<void> {
    for (const step of DOWNSTREAM_STEP_ORDER) {
      await retrying(step, (signal) => downstream[step](order, { idempotencyKey: order.orderId, abortSignal: signal }));
    }
  }
}

/** messageId and deliveryCount from the trigger metadata (camelCased by the library: docs/functions-runtime.md, 2.2). */
function deliveryOf(context: InvocationContext): { messageId?: string; deliveryCount?: number } {
  const metadata = context.triggerMetadata ?? {};
  const messageId = typeof metadata.messageId === 'string' ? metadata.messageId : undefined;
  const deliveryCount = Number(metadata.deliveryCount);
  return { messageId, deliveryCount: Number.isFinite(deliveryCount) ? deliveryCount : undefined };
}
