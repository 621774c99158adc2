import type { InvocationContext } from '@azure/functions';
import { validateOrderMessage } from '../orders/order-message';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { findAcceptRecord, type AcceptedOrdersTable } from '../store/accepted-orders';
import { readWatermark, saveWatermark, type Watermark, type WatermarkTable } from '../store/dead-letter-watermark';
import { recordFailure, type OrdersTable, type RecordFailureOutcome } from '../store/order-records';
import { logLine } from '../telemetry/log-event';
import { attributeMessage } from './own-message';

/**
 * The dead-letter scan, a timer function of the processor (every minute): records each dead-lettered
 * order as `failed`, so its status URL says so, with Service Bus's DeadLetterReason and
 * DeadLetterErrorDescription. A message gets there after the queue's max delivery count (poison, or
 * transient failures that outlasted every delivery) or when its time to live runs out.
 *
 * - It PEEKS the dead-letter queue: nothing is locked, received or removed, so `npm run dlq` still
 *   lists and replays every letter. A replayed order that is processed then shows `processed` (the
 *   processor takes a `failed` record over).
 * - It reads from a watermark, the highest sequence number it has handled (stored in the orders
 *   table, store/dead-letter-watermark.ts), so each letter is handled once. It relies on the
 *   dead-letter queue numbering letters in the order they arrive (functions/README.md,
 *   "Dead-lettered orders").
 * - A letter is the order's failure only when it is the order's own message (own-message.ts); a
 *   letter that is not a well-formed order, or carries another body under an order's id, is logged
 *   and left to `npm run dlq`. It never overwrites a processed order or a live claim.
 * - A table or Service Bus failure ends the run after saving the watermark up to the last letter
 *   handled; the next run continues from there.
 */

/** A dead letter as the scan reads it (from a peeked ServiceBusReceivedMessage). */
export interface DeadLetter {
  /** Decimal digits (a 64-bit Service Bus sequence number). */
  readonly sequenceNumber: string;
  readonly messageId?: string;
  readonly body: unknown;
  readonly deadLetterReason?: string;
  readonly deadLetterErrorDescription?: string;
}

/** Browses the dead-letter queue without locking (ServiceBusReceiver.peekMessages from a sequence number). */
export interface DeadLetterBrowser {
  peek(fromSequenceNumber: bigint, maxMessageCount: number, abortSignal: AbortSignal): Promise<DeadLetter[]>;
}

export interface DeadLetterScanDependencies {
  /** Created on first use; throws SettingsError when its settings are missing. */
  readonly deadLetters: () => DeadLetterBrowser;
  readonly ordersTable: () => OrdersTable;
  readonly acceptedOrders: () => AcceptedOrdersTable;
  readonly watermarks: () => WatermarkTable;
  readonly now?: () => Date;
  /** Letters per peek. @default 100 */
  readonly pageSize?: number;
  /** A run stops peeking after this long and goes on at the next tick. @default SCAN_BUDGET_MS */
  readonly budgetMs?: number;
  /** Bound on each Service Bus or table call. @default SCAN_CALL_TIMEOUT_MS */
  readonly callTimeoutMs?: number;
}

/** Every minute, at second 0 (NCRONTAB with seconds). The host runs one invocation at a time (a singleton lock). */
export const DEAD_LETTER_SCAN_SCHEDULE = '0 * * * * *';
/** Well inside the minute between ticks. */
export const SCAN_BUDGET_MS = 40_000;
export const SCAN_CALL_TIMEOUT_MS = 10_000;

export type LetterOutcome = RecordFailureOutcome | 'not-an-order' | 'not-its-own';

export interface ScanResult {
  readonly letters: number;
  readonly outcomes: Partial<Record<LetterOutcome, number>>;
  readonly fromSequenceNumber: bigint;
  readonly watermark: bigint;
}

export function createDeadLetterScanHandler(dependencies: DeadLetterScanDependencies) {
  const now = dependencies.now ?? (() => new Date());
  const pageSize = dependencies.pageSize ?? 100;
  const budgetMs = dependencies.budgetMs ?? SCAN_BUDGET_MS;
  const callTimeoutMs = dependencies.callTimeoutMs ?? SCAN_CALL_TIMEOUT_MS;
  const bounded = <T>(operation: (abortSignal: AbortSignal) => Promise<T>) => withDeadline(callTimeoutMs, operation);

  return async function scanDeadLetters(_timer: unknown, context: InvocationContext): Promise<ScanResult> {
    const browser = dependencies.deadLetters();
    const orders = dependencies.ordersTable();
    const accepts = dependencies.acceptedOrders();
    const watermarks = dependencies.watermarks();
    const started = now().getTime();

    let watermark: Watermark = await bounded((signal) => readWatermark(watermarks, signal));
    const fromSequenceNumber = watermark.lastSequenceNumber + 1n;
    let handled = watermark.lastSequenceNumber;
    const outcomes: Partial<Record<LetterOutcome, number>> = {};
    let letters = 0;
    const summary = (): ScanResult => ({ letters, outcomes, fromSequenceNumber, watermark: handled });

    try {
      while (now().getTime() - started < budgetMs) {
        const page = await bounded((signal) => browser.peek(handled + 1n, pageSize, signal));
        if (page.length === 0) break;
        for (const letter of page) {
          const outcome = await handleLetter(letter, orders, accepts, context);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          letters++;
          handled = BigInt(letter.sequenceNumber);
        }
        watermark = await bounded((signal) => saveWatermark(watermarks, watermark, handled, now(), signal));
      }
    } catch (error) {
      if (handled > watermark.lastSequenceNumber) {
        await bounded((signal) => saveWatermark(watermarks, watermark, handled, now(), signal)).catch((saveError: unknown) =>
          context.warn(
            logLine(
              'dead-letter.watermark-not-saved',
              `Dead-letter scan: the watermark could not be saved (${describeError(saveError)}); the next run handles these letters again`,
            ),
          ),
        );
      }
      context.error(
        logLine(
          'dead-letter.scan-stopped',
          `Dead-letter scan stopped after ${letters} letters at sequence number ${handled}: ${describeError(error)}; the next run goes on from there`,
        ),
      );
      throw error;
    }
    context.log(
      // The counts as fields (one per outcome seen), so a query can chart them.
      logLine('dead-letter.scan', `Dead-letter scan: ${letters} letters from sequence number ${fromSequenceNumber}; watermark ${handled}`, {
        letters,
        from: String(fromSequenceNumber),
        watermark: String(handled),
        ...(outcomes as Record<string, number>),
      }),
    );
    return summary();
  };

  async function handleLetter(
    letter: DeadLetter,
    orders: OrdersTable,
    accepts: AcceptedOrdersTable,
    context: InvocationContext,
  ): Promise<LetterOutcome> {
    const where = `dead letter ${letter.sequenceNumber} (message ${letter.messageId ?? '(no id)'}, ${letter.deadLetterReason ?? 'no reason'})`;
    const validation = validateOrderMessage(letter.body);
    const stated = validation.order;
    if (!stated) {
      context.warn(
        logLine(
          'dead-letter.not-an-order',
          `${where}: not a well-formed order, so no order's status changes; see npm run dlq (${validation.ok ? '' : validation.reason})`,
        ),
      );
      return 'not-an-order';
    }
    const accepted = await bounded((signal) => findAcceptRecord(accepts, stated.orderId, signal));
    const own = attributeMessage(stated, accepted);
    if (!own.own) {
      context.warn(
        logLine(
          'dead-letter.not-its-own',
          `${where}: not the own message of order ${stated.orderId} (${own.why}), so its status does not change`,
        ),
      );
      return 'not-its-own';
    }
    const description = letter.deadLetterErrorDescription ? ` (${letter.deadLetterErrorDescription})` : '';
    const rejected = validation.ok ? '' : `; the processor rejects it: ${validation.reason}`;
    const reason = `dead-lettered by Service Bus: ${letter.deadLetterReason ?? 'no reason given'}${description}${rejected}; dead-letter sequence number ${letter.sequenceNumber}`;
    const outcome = await bounded((signal) =>
      recordFailure(orders, own.order, own.fingerprint, { failedBy: 'dead-letter-queue', reason, failedAt: now() }, signal),
    );
    context.log(logLine('dead-letter.recorded', `${where}: order ${own.order.orderId} ${outcome}`, { outcome }));
    return outcome;
  }
}
