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
 * - It is the place a later order-status feature reads "accepted" from, before the consumer runs.
 *
 * Never upserted: an upsert would let a second request overwrite the first one's record.
 */

export const ACCEPT_RECORD_ROW_KEY = 'accepted';
export const ACCEPT_RECORD_SCHEMA_VERSION = 1;

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
  readonly schemaVersion: number;
}

/** An accept record as the app works with it. */
export type AcceptRecord = Omit<AcceptRecordEntity, 'partitionKey' | 'rowKey'> & { readonly orderId: string };

/** The part of `TableClient` (@azure/data-tables) the accept records use; tests pass a double of it. */
export interface AcceptedOrdersTable {
  createEntity(entity: AcceptRecordEntity, options: { abortSignal: AbortSignal }): Promise<{ etag?: string }>;
  getEntity(partitionKey: string, rowKey: string, options: { abortSignal: AbortSignal }): Promise<AcceptRecordEntity & { etag?: string }>;
}

export type RecordAcceptanceResult = { readonly created: true; readonly record: AcceptRecord } | { readonly created: false; readonly record: AcceptRecord };

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
    schemaVersion: ACCEPT_RECORD_SCHEMA_VERSION,
  };
}

/**
 * Inserts the accept record, or returns the one stored under the same order id (an earlier request
 * with the same customer and idempotency key). Any other failure is thrown: then nothing was accepted
 * by this call, unless the insert landed and only its answer was lost, which a retry finds as a 409.
 */
export async function recordAcceptance(table: AcceptedOrdersTable, record: AcceptRecord, abortSignal: AbortSignal): Promise<RecordAcceptanceResult> {
  const { orderId, ...fields } = record;
  try {
    await table.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields }, { abortSignal });
    return { created: true, record };
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    return { created: false, record: toRecord(await table.getEntity(orderId, ACCEPT_RECORD_ROW_KEY, { abortSignal })) };
  }
}

/** The accept record of an order, or undefined when there is none (orders accepted before it existed). */
export async function findAcceptRecord(table: AcceptedOrdersTable, orderId: string, abortSignal: AbortSignal): Promise<AcceptRecord | undefined> {
  try {
    return toRecord(await table.getEntity(orderId, ACCEPT_RECORD_ROW_KEY, { abortSignal }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The HTTP status of a Tables error (RestError.statusCode), judged by property, not by class: a bundle may hold two copies of the class. */
function statusOf(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
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
    schemaVersion: entity.schemaVersion,
  };
}
