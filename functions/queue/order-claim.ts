import { CONSUMER_RETRY_BUDGET_MS } from '../resilience/retry-policy';
import type { AcceptedOrder } from '../orders/order-message';
import { claimOrder, readOrder, takeOverClaim, type Claim, type OrderRecord, type OrdersTable } from '../store/order-records';

/**
 * Who runs the downstream steps of an order: exactly one delivery at a time (issue 7, finding 2).
 *
 * The first delivery claims the order by inserting its record in `processing` with itself as owner
 * and an expiry. A delivery that finds the record claimed by another invocation (a lock that was lost,
 * a redelivery while the first still runs) does not resume it: it waits, re-reading with backoff
 * within its own time budget, until the record is `processed` (a duplicate: nothing to do), or the
 * claim expires (it takes the claim over with a merge guarded by the ETag; a 412 means another
 * delivery took it first, so it reads again), or its budget ends (it throws and Service Bus
 * redelivers the message). A record of an earlier version, without a claim, counts as expired, and
 * so does a `failed` record (a replayed dead letter, or a redelivery after the cause was fixed).
 */

/** Margin of a claim over the owner's own budget: clock skew between instances, a slow event loop. */
export const CLAIM_LEASE_MARGIN_MS = 15_000;

/**
 * How long a claim holds: longer than its owner can run (every step of one message ends within
 * CONSUMER_RETRY_BUDGET_MS of the invocation's start), so a claim is never taken from a live owner;
 * and shorter than the queue's lock (a test checks every environment), so when an owner dies, its
 * message comes back (after the lock expires) to a claim that has already expired and is taken over
 * at once, instead of spending deliveries waiting.
 */
export const CLAIM_LEASE_MS = CONSUMER_RETRY_BUDGET_MS + CLAIM_LEASE_MARGIN_MS;

/** First pause while another delivery holds the claim; doubles up to CLAIM_WAIT_MAX_MS. */
export const CLAIM_WAIT_FIRST_MS = 250;
export const CLAIM_WAIT_MAX_MS = 2_000;

/** Another delivery holds the claim and this one's budget ended: Service Bus redelivers the message. */
export class ClaimHeldError extends Error {
  readonly code = 'CLAIM_HELD';

  constructor(
    readonly orderId: string,
    readonly owner: string | undefined,
    readonly expiresAt: string | undefined,
  ) {
    super(
      `order ${orderId} is being processed by ${owner ?? 'another delivery'} (claim until ${expiresAt ?? '?'}); this delivery's time is up`,
    );
    this.name = 'ClaimHeldError';
  }
}

export type ClaimOutcome =
  /** This delivery holds the claim. `previousOwner` is set when it took over an expired claim. */
  | { readonly kind: 'claimed'; readonly record: OrderRecord; readonly tookOver: boolean; readonly previousOwner?: string }
  /** Another delivery processed the order: nothing to do. */
  | { readonly kind: 'processed'; readonly record: OrderRecord }
  /** The record holds a different body than this message: never resumed, never processed. */
  | { readonly kind: 'different-body'; readonly record: OrderRecord };

export interface AcquireClaimOptions {
  readonly table: OrdersTable;
  readonly order: AcceptedOrder;
  readonly requestFingerprint: string;
  /** This delivery's invocation id. */
  readonly owner: string;
  readonly now: () => number;
  /** When this delivery's time budget ends (as `now` counts). */
  readonly budgetEndsAt: number;
  readonly sleep: (ms: number) => Promise<unknown>;
  readonly random: () => number;
  /** Runs one table call with the consumer's transient-failure retries, inside the budget. */
  readonly retrying: <T>(step: string, operation: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;
  /** Called before each pause while another delivery holds the claim. */
  readonly onWait?: (record: OrderRecord, pauseMs: number) => void;
  /** @default CLAIM_LEASE_MS */
  readonly leaseMs?: number;
}

export async function acquireClaim(options: AcquireClaimOptions): Promise<ClaimOutcome> {
  const { table, order, requestFingerprint, owner, now, retrying } = options;
  const leaseMs = options.leaseMs ?? CLAIM_LEASE_MS;
  const claim = (): Claim => ({ owner, expiresAt: new Date(now() + leaseMs), requestFingerprint });

  // The record this insert wrote (ours), or the one an earlier delivery wrote.
  let record = (await retrying('claimOrder', (signal) => claimOrder(table, order, claim(), signal))).record;
  let waitMs = CLAIM_WAIT_FIRST_MS;
  for (;;) {
    if (!holdsThisBody(record, order, requestFingerprint)) return { kind: 'different-body', record };
    if (record.status === 'processed') return { kind: 'processed', record };
    // Our own insert: this one, or an earlier attempt whose answer was lost.
    if (record.claimOwner === owner) return { kind: 'claimed', record, tookOver: false };

    // A `failed` record (the order's message was dead-lettered or rejected, and this is a replay or
    // a retry after the cause was fixed) is taken over like an expired claim.
    const expiresAt = record.claimExpiresAt === undefined || record.status === 'failed' ? -Infinity : Date.parse(record.claimExpiresAt);
    if (!(now() < expiresAt)) {
      const taken = await retrying('takeOverClaim', (signal) => takeOverClaim(table, record, claim(), signal));
      if (taken)
        return { kind: 'claimed', record: taken, tookOver: true, ...(record.claimOwner ? { previousOwner: record.claimOwner } : {}) };
    } else {
      const remaining = options.budgetEndsAt - now();
      if (remaining <= 0) throw new ClaimHeldError(order.orderId, record.claimOwner, record.claimExpiresAt);
      // Equal jitter, so deliveries waiting on one order do not read in step.
      const pauseMs = Math.max(1, Math.min(Math.round(waitMs / 2 + options.random() * (waitMs / 2)), expiresAt - now(), remaining));
      options.onWait?.(record, pauseMs);
      await options.sleep(pauseMs);
      waitMs = Math.min(CLAIM_WAIT_MAX_MS, waitMs * 2);
      if (now() >= options.budgetEndsAt) throw new ClaimHeldError(order.orderId, record.claimOwner, record.claimExpiresAt);
    }
    record = await retrying('readClaim', (signal) => readOrder(table, order.orderId, signal));
  }
}

/**
 * True when `record` was claimed for this message's body: the same fingerprint, or, for a record of a
 * version without fingerprints, the same customer, currency, total and item count.
 */
export function holdsThisBody(record: OrderRecord, order: AcceptedOrder, requestFingerprint: string): boolean {
  if (record.requestFingerprint !== undefined) return record.requestFingerprint === requestFingerprint;
  return (
    record.customerId === order.customerId &&
    record.currency === order.currency &&
    record.totalMinorUnits === order.totalMinorUnits &&
    record.itemCount === order.items.length
  );
}
