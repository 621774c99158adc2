import type { AcceptedOrder } from '../orders/order-message';

/**
 * The accept-record table: one entity per accepted order, PartitionKey = order id, RowKey =
 * ACCEPT_RECORD_ROW_KEY, written by the producer BEFORE it sends the order's message.
 *
 * - It is what an idempotency key resolves to: a second POST with the same key finds it (409 on the
 *   insert) and is either the same request (same fingerprint: answered like the first, the message
 *   sent again with the stored acceptedAt, so duplicate detection drops it if the first landed) or a
 *   different one (422).
 * - The consumer reads it to check that the message body is the request that was accepted.
 * - The status endpoint reads it before the consumer has recorded the order: `state` says whether the
 *   queue confirmed the order's message. It is written `received`, and set to `queued` once a send
 *   was confirmed (best effort: a 202 stands even when that update fails). A record still `received`
 *   after the send's bound means the client got 503 `outcome-unknown` (or the update failed): its
 *   status tells the client to resubmit the same request with the same key.
 *
 * Never upserted: an upsert would let a second request overwrite the first one's record.
 */

export const ACCEPT_RECORD_ROW_KEY = 'accepted';
/** 2: `state` and `queuedAt`. Records of version 1 have neither and count as `received`. */
export const ACCEPT_RECORD_SCHEMA_VERSION = 2;

/** `received`: written, the queue has not confirmed the message (yet); `queued`: a send was confirmed. */
export type AcceptState = 'received' | 'queued';

/** The stored entity. Times are ISO 8601 strings, so they round-trip exactly. */
export interface AcceptRecordEntity {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly customerId: string;
  readonly currency: string;
  readonly totalMinorUnits: number;
  readonly itemCount: number;
  readonly acceptedAt: string;
  /** SHA-256 hex of the canonical request (orders/request-fingerprint.ts). */
  readonly requestFingerprint: string;
  /** Absent on records of version 1 (read as `received`). */
  readonly state?: AcceptState;
  /** When a send was first confirmed (ISO 8601). */
  readonly queuedAt?: string;
  readonly schemaVersion: number;
}

/** An accept record as the app works with it (`state` always set: `received` for version 1). */
export type AcceptRecord = Omit<AcceptRecordEntity, 'partitionKey' | 'rowKey' | 'state'> & {
  readonly orderId: string;
  readonly state: AcceptState;
};

/** A merge that confirms the send. */
export type AcceptRecordUpdate = Pick<AcceptRecordEntity, 'partitionKey' | 'rowKey'> &
  Required<Pick<AcceptRecordEntity, 'state' | 'queuedAt'>>;

/** The part of `TableClient` (@azure/data-tables) the accept records use; tests pass a double of it. */
export interface AcceptedOrdersTable {
  createEntity(entity: AcceptRecordEntity, options: { abortSignal: AbortSignal }): Promise<{ etag?: string }>;
  getEntity(partitionKey: string, rowKey: string, options: { abortSignal: AbortSignal }): Promise<AcceptRecordEntity & { etag?: string }>;
  updateEntity(entity: AcceptRecordUpdate, mode: 'Merge', options: { etag: string; abortSignal: AbortSignal }): Promise<{ etag?: string }>;
}

export type RecordAcceptanceResult =
  { readonly created: true; readonly record: AcceptRecord } | { readonly created: false; readonly record: AcceptRecord };

/** The accept record of `order` as it is written. */
export function acceptRecordOf(order: AcceptedOrder, requestFingerprint: string): AcceptRecord {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    totalMinorUnits: order.totalMinorUnits,
    itemCount: order.items.length,
    acceptedAt: order.acceptedAt,
    requestFingerprint,
    state: 'received',
    schemaVersion: ACCEPT_RECORD_SCHEMA_VERSION,
  };
}

/**
 * Inserts the accept record, or returns the one stored under the same order id (an earlier request
 * with the same customer and idempotency key). Any other failure is thrown: then nothing was accepted
 * by this call, unless the insert landed and only its answer was lost, which a retry finds as a 409.
 */
export async function recordAcceptance(
  table: AcceptedOrdersTable,
  record: AcceptRecord,
  abortSignal: AbortSignal,
): Promise<RecordAcceptanceResult> {
  const { orderId, ...fields } = record;
  try {
    await table.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields }, { abortSignal });
    return { created: true, record };
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    return { created: false, record: toRecord(await table.getEntity(orderId, ACCEPT_RECORD_ROW_KEY, { abortSignal })) };
  }
}

/**
 * Records that the queue confirmed the order's message: `state` becomes `queued`. A merge without an
 * ETag condition: the producer is the only writer, and `received` -> `queued` is the only change.
 * A record that is already `queued` is left alone (a retry of a confirmed order).
 */
export async function markQueued(
  table: AcceptedOrdersTable,
  record: AcceptRecord,
  queuedAt: Date,
  abortSignal: AbortSignal,
): Promise<void> {
  if (record.state === 'queued') return;
  await table.updateEntity(
    { partitionKey: record.orderId, rowKey: ACCEPT_RECORD_ROW_KEY, state: 'queued', queuedAt: queuedAt.toISOString() },
    'Merge',
    { etag: '*', abortSignal },
  );
}

/** The accept record of an order, or undefined when there is none (orders accepted before it existed). */
export async function findAcceptRecord(
  table: AcceptedOrdersTable,
  orderId: string,
  abortSignal: AbortSignal,
): Promise<AcceptRecord | undefined> {
  try {
    return toRecord(await table.getEntity(orderId, ACCEPT_RECORD_ROW_KEY, { abortSignal }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The HTTP status of a Tables error (RestError.statusCode), judged by property, not by class: a bundle may hold two copies of the class. */
function statusOf(error: unknown): unknown {
  // Only ever compared with a number, so anything else reads as "not that status" without a check.
  return (error as { statusCode?: unknown } | null)?.statusCode;
}

function toRecord(entity: AcceptRecordEntity): AcceptRecord {
  return {
    orderId: entity.partitionKey,
    customerId: entity.customerId,
    currency: entity.currency,
    totalMinorUnits: entity.totalMinorUnits,
    itemCount: entity.itemCount,
    acceptedAt: entity.acceptedAt,
    requestFingerprint: entity.requestFingerprint,
    state: entity.state === 'queued' ? 'queued' : 'received',
    ...(entity.queuedAt ? { queuedAt: entity.queuedAt } : {}),
    schemaVersion: entity.schemaVersion,
  };
}
