import type { AcceptRecord } from '../store/accepted-orders';
import type { FailedBy, OrderRecord } from '../store/order-records';

/**
 * What `GET /api/orders/{id}` says about an order, from its two records: the accept record the API
 * writes before it sends (store/accepted-orders.ts) and the record the processor keeps
 * (store/order-records.ts). It never says more than the records know:
 *
 * | records                                        | status      | stage         |
 * | ---------------------------------------------- | ----------- | ------------- |
 * | orders record `processed`                      | `processed` |               |
 * | orders record `failed`                         | `failed`    |               |
 * | orders record `processing`                     | `pending`   | `processing`  |
 * | accept record `queued`                         | `pending`   | `accepted`    |
 * | accept record `received`, inside the window    | `pending`   | `received`    |
 * | accept record `received`, after the window     | `pending`   | `unconfirmed` |
 * | neither                                        | not found (404)             |
 *
 * The window is how long the request that wrote the record may still be sending (submit-order.ts
 * `acceptWindowMs`). `unconfirmed`: the queue never confirmed the message to the API (the client got
 * 503 `outcome-unknown`, or the record could not be marked after a 202); the message may still be in
 * the queue. Resubmitting the same request with the same Idempotency-Key is always safe and settles
 * it: it is answered like the first, never makes a second order, and marks the record once the queue
 * confirms. The orders record wins over the accept record: once the processor has it, that is the truth.
 */

export type PendingStage = 'received' | 'unconfirmed' | 'accepted' | 'processing';

interface Common {
  readonly orderId: string;
  readonly acceptedAt: string;
  readonly currency: string;
  readonly totalMinorUnits: number;
}

export type OrderStatusView =
  | (Common & { readonly status: 'pending'; readonly stage: PendingStage; readonly detail: string; readonly retryAfterSeconds: number })
  | (Common & { readonly status: 'processed'; readonly processedAt: string })
  | (Common & { readonly status: 'failed'; readonly failedAt: string; readonly failedBy: FailedBy; readonly reason: string });

/** How soon a client should ask again about a pending order. */
export const PENDING_RETRY_AFTER_SECONDS = 2;

const DETAIL: Readonly<Record<PendingStage, string>> = {
  received: 'the order is recorded and its request is still being answered; ask again shortly',
  unconfirmed:
    'the order is recorded, but the queue never confirmed it: resubmit the same request with the same Idempotency-Key (it is answered like the first and never makes a second order)',
  accepted: 'the order is in the queue, waiting to be processed',
  processing: 'the order is being processed',
};

export function orderStatusOf(
  accepted: AcceptRecord | undefined,
  order: OrderRecord | undefined,
  now: Date,
  acceptWindowMs: number,
): OrderStatusView | undefined {
  const base = order ?? accepted;
  if (!base) return undefined;
  const common: Common = {
    orderId: base.orderId,
    acceptedAt: base.acceptedAt,
    currency: base.currency,
    totalMinorUnits: base.totalMinorUnits,
  };
  if (order?.status === 'processed') return { ...common, status: 'processed', processedAt: order.processedAt ?? '' };
  if (order?.status === 'failed') {
    return {
      ...common,
      status: 'failed',
      failedAt: order.failedAt ?? '',
      failedBy: order.failedBy ?? 'processor',
      reason: order.failureReason ?? 'no reason recorded',
    };
  }
  if (order) return pending(common, 'processing', PENDING_RETRY_AFTER_SECONDS);
  if (accepted!.state === 'queued') return pending(common, 'accepted', PENDING_RETRY_AFTER_SECONDS);
  const windowLeftMs = Date.parse(accepted!.acceptedAt) + acceptWindowMs - now.getTime();
  // Whole seconds, rounded up: at least 1 while any of the window is left.
  if (windowLeftMs > 0) return pending(common, 'received', Math.ceil(windowLeftMs / 1000));
  return pending(common, 'unconfirmed', PENDING_RETRY_AFTER_SECONDS);
}

function pending(common: Common, stage: PendingStage, retryAfterSeconds: number): OrderStatusView {
  return { ...common, status: 'pending', stage, detail: DETAIL[stage], retryAfterSeconds };
}
