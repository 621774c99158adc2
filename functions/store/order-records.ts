import type { AcceptedOrder } from '../orders/order-message';

/**
 * The orders table: one entity per order, PartitionKey = order id, RowKey = ORDER_ROW_KEY.
 * The consumer claims an order with an insert (a second insert of the same key fails with 409, so
 * a redelivered message is detected) and never upserts: an upsert would hide the duplicate (docs/functions-runtime.md, 2.7).
 * Order ids are UUIDs, so they never contain the characters Table keys forbid (/ \ # ? and controls).
 *
 * A record in `processing` carries its claim: the owner (the invocation that runs the downstream
 * steps) and when the claim expires. Another delivery takes it over only after that, with a merge
 * guarded by the ETag, so two deliveries never run the steps at once (queue/order-claim.ts).
 *
 * A record in `failed` says why the order cannot be processed: the processor rejected its message
 * (poison), or Service Bus dead-lettered it (queue/dead-letter-scan.ts). It is written only for the
 * order's own message (the accepted body), never over a `processed` record or a live claim, and a
 * replayed message that is processed later takes it over like an expired claim.
 */

export const ORDER_ROW_KEY = 'order';

export type OrderStatus = 'processing' | 'processed' | 'failed';

/** Who found that the order cannot be processed. */
export type FailedBy = 'processor' | 'dead-letter-queue';

/** The stored entity. Times are ISO 8601 strings, so they round-trip exactly. */
export interface OrderEntity {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly status: OrderStatus;
  readonly customerId: string;
  readonly currency: string;
  readonly totalMinorUnits: number;
  readonly itemCount: number;
  readonly acceptedAt: string;
  readonly processedAt?: string;
  /** Fingerprint of the body that was claimed (orders/request-fingerprint.ts); absent on records of earlier versions. */
  readonly requestFingerprint?: string;
  /** Invocation id of the delivery that holds the claim. */
  readonly claimOwner?: string;
  /** When the claim may be taken over (ISO 8601). */
  readonly claimExpiresAt?: string;
  /** Set with `failed` (ISO 8601). */
  readonly failedAt?: string;
  /** What an operator needs to know, never the body. */
  readonly failureReason?: string;
  readonly failedBy?: FailedBy;
  readonly schemaVersion: number;
}

/** An order as the app works with it: the entity without its keys and bookkeeping, plus its ETag. */
export type OrderRecord = Omit<OrderEntity, 'partitionKey' | 'rowKey' | 'schemaVersion'> & {
  readonly orderId: string;
  /** Optimistic-concurrency tag of the stored entity. */
  readonly etag: string;
};

/** A merge that changes only some fields and keeps the rest of the entity. */
export type OrderUpdate = Pick<OrderEntity, 'partitionKey' | 'rowKey'> &
  Partial<
    Pick<
      OrderEntity,
      'status' | 'processedAt' | 'claimOwner' | 'claimExpiresAt' | 'requestFingerprint' | 'failedAt' | 'failureReason' | 'failedBy'
    >
  >;

/** The part of `TableClient` (@azure/data-tables) this app uses; tests pass a double of it. */
export interface OrdersTable {
  createEntity(entity: OrderEntity, options: { abortSignal: AbortSignal }): Promise<{ etag?: string }>;
  getEntity(partitionKey: string, rowKey: string, options: { abortSignal: AbortSignal }): Promise<OrderEntity & { etag: string }>;
  updateEntity(entity: OrderUpdate, mode: 'Merge', options: { etag: string; abortSignal: AbortSignal }): Promise<{ etag?: string }>;
}

export interface Claim {
  /** Invocation id of the claiming delivery. */
  readonly owner: string;
  readonly expiresAt: Date;
  readonly requestFingerprint: string;
}

export type ClaimResult =
  { readonly claimed: true; readonly record: OrderRecord } | { readonly claimed: false; readonly record: OrderRecord };

/** Records the order as `processing` under `claim`, or returns the record an earlier delivery already wrote. */
export async function claimOrder(table: OrdersTable, order: AcceptedOrder, claim: Claim, abortSignal: AbortSignal): Promise<ClaimResult> {
  const entity: OrderEntity = {
    partitionKey: order.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processing',
    customerId: order.customerId,
    currency: order.currency,
    totalMinorUnits: order.totalMinorUnits,
    itemCount: order.items.length,
    acceptedAt: order.acceptedAt,
    requestFingerprint: claim.requestFingerprint,
    claimOwner: claim.owner,
    claimExpiresAt: claim.expiresAt.toISOString(),
    schemaVersion: order.schemaVersion,
  };
  try {
    const { etag } = await table.createEntity(entity, { abortSignal });
    return { claimed: true, record: toRecord({ ...entity, etag: etag ?? '' }) };
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    return { claimed: false, record: await readOrder(table, order.orderId, abortSignal) };
  }
}

/** The stored record of an order that exists. */
export async function readOrder(table: OrdersTable, orderId: string, abortSignal: AbortSignal): Promise<OrderRecord> {
  return toRecord(await table.getEntity(orderId, ORDER_ROW_KEY, { abortSignal }));
}

/**
 * Takes over the claim of a `processing` record (expired, or from a version without claims) or of a
 * `failed` one (a replayed message), guarded by the ETag the caller read. Undefined on 412: another
 * delivery changed the record first.
 */
export async function takeOverClaim(
  table: OrdersTable,
  record: OrderRecord,
  claim: Claim,
  abortSignal: AbortSignal,
): Promise<OrderRecord | undefined> {
  const update: OrderUpdate = {
    partitionKey: record.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processing',
    claimOwner: claim.owner,
    claimExpiresAt: claim.expiresAt.toISOString(),
    requestFingerprint: claim.requestFingerprint,
  };
  try {
    const { etag } = await table.updateEntity(update, 'Merge', { etag: record.etag, abortSignal });
    return {
      ...record,
      status: 'processing',
      claimOwner: update.claimOwner,
      claimExpiresAt: update.claimExpiresAt,
      requestFingerprint: update.requestFingerprint,
      etag: etag ?? '',
    };
  } catch (error) {
    if (statusOf(error) !== 412) throw error;
    return undefined;
  }
}

/**
 * Ends a claim at once (its expiry set to `now`), so the redelivery of a failed invocation can take
 * over without waiting for the lease. Guarded by the ETag; false when the record changed meanwhile.
 */
export async function releaseClaim(table: OrdersTable, record: OrderRecord, now: Date, abortSignal: AbortSignal): Promise<boolean> {
  try {
    await table.updateEntity({ partitionKey: record.orderId, rowKey: ORDER_ROW_KEY, claimExpiresAt: now.toISOString() }, 'Merge', {
      etag: record.etag,
      abortSignal,
    });
    return true;
  } catch (error) {
    if (statusOf(error) !== 412) throw error;
    return false;
  }
}

/**
 * Marks a claimed order `processed`, guarded by the claim's ETag. A 412 means another delivery of the
 * same message changed it first: its current state is returned.
 */
export async function markProcessed(
  table: OrdersTable,
  record: OrderRecord,
  processedAt: Date,
  abortSignal: AbortSignal,
): Promise<OrderRecord> {
  const update: OrderUpdate = {
    partitionKey: record.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processed',
    processedAt: processedAt.toISOString(),
  };
  try {
    const { etag } = await table.updateEntity(update, 'Merge', { etag: record.etag, abortSignal });
    return { ...record, status: 'processed', processedAt: update.processedAt, etag: etag ?? '' };
  } catch (error) {
    if (statusOf(error) !== 412) throw error;
    return readOrder(table, record.orderId, abortSignal);
  }
}

/** Why an order cannot be processed, for its `failed` record. */
export interface Failure {
  readonly failedBy: FailedBy;
  readonly reason: string;
  readonly failedAt: Date;
}

/** The longest failure reason stored (and shown by the status endpoint). */
export const MAX_FAILURE_REASON_LENGTH = 500;

export type RecordFailureOutcome =
  /** The record is `failed` now, with this failure. */
  | 'recorded'
  /** Left alone: the order was processed (a late dead letter of a copy cannot undo that). */
  | 'already-processed'
  /** Left alone: an earlier failure is recorded (the first reason is the one an operator needs). */
  | 'already-failed'
  /** Left alone: a live claim, another delivery is processing the order and decides. */
  | 'claimed';

/**
 * Records that `order` cannot be processed. Creates its record in `failed`, or turns a `processing`
 * record whose claim has expired into `failed` (guarded by the ETag; on 412 it reads again). The
 * caller makes sure `order` is the order's own message (the accepted body). Best effort for callers:
 * it throws on table failures.
 */
export async function recordFailure(
  table: OrdersTable,
  order: AcceptedOrder,
  requestFingerprint: string,
  failure: Failure,
  abortSignal: AbortSignal,
): Promise<RecordFailureOutcome> {
  const reason =
    failure.reason.length > MAX_FAILURE_REASON_LENGTH ? `${failure.reason.slice(0, MAX_FAILURE_REASON_LENGTH - 3)}...` : failure.reason;
  const fields = { status: 'failed' as const, failedAt: failure.failedAt.toISOString(), failureReason: reason, failedBy: failure.failedBy };
  try {
    await table.createEntity(
      {
        partitionKey: order.orderId,
        rowKey: ORDER_ROW_KEY,
        customerId: order.customerId,
        currency: order.currency,
        totalMinorUnits: order.totalMinorUnits,
        itemCount: order.items.length,
        acceptedAt: order.acceptedAt,
        requestFingerprint,
        schemaVersion: order.schemaVersion,
        ...fields,
      },
      { abortSignal },
    );
    return 'recorded';
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  for (;;) {
    const record = await readOrder(table, order.orderId, abortSignal);
    if (record.status === 'processed') return 'already-processed';
    if (record.status === 'failed') return 'already-failed';
    if (record.claimExpiresAt !== undefined && failure.failedAt.getTime() < Date.parse(record.claimExpiresAt)) return 'claimed';
    try {
      await table.updateEntity({ partitionKey: order.orderId, rowKey: ORDER_ROW_KEY, ...fields }, 'Merge', {
        etag: record.etag,
        abortSignal,
      });
      return 'recorded';
    } catch (error) {
      if (statusOf(error) !== 412) throw error;
    }
  }
}

/** The recorded order, or undefined when there is none. */
export async function findOrder(table: OrdersTable, orderId: string, abortSignal: AbortSignal): Promise<OrderRecord | undefined> {
  try {
    return await readOrder(table, orderId, abortSignal);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The HTTP status of a Tables error (RestError.statusCode), judged by property, not by class (docs/functions-runtime.md, 1.8). */
function statusOf(error: unknown): unknown {
  // Only ever compared with a number, so anything else reads as "not that status" without a check.
  return (error as { statusCode?: unknown } | null)?.statusCode;
}

function toRecord(entity: OrderEntity & { etag: string }): OrderRecord {
  return {
    orderId: entity.partitionKey,
    status: entity.status,
    customerId: entity.customerId,
    currency: entity.currency,
    totalMinorUnits: entity.totalMinorUnits,
    itemCount: entity.itemCount,
    acceptedAt: entity.acceptedAt,
    ...(entity.processedAt ? { processedAt: entity.processedAt } : {}),
    ...(entity.requestFingerprint ? { requestFingerprint: entity.requestFingerprint } : {}),
    ...(entity.claimOwner ? { claimOwner: entity.claimOwner } : {}),
    ...(entity.claimExpiresAt ? { claimExpiresAt: entity.claimExpiresAt } : {}),
    ...(entity.failedAt ? { failedAt: entity.failedAt } : {}),
    ...(entity.failureReason ? { failureReason: entity.failureReason } : {}),
    ...(entity.failedBy ? { failedBy: entity.failedBy } : {}),
    etag: entity.etag,
  };
}
