import type { AcceptedOrder } from '../orders/order-message';

/**
 * The orders table: one entity per order, PartitionKey = order id, RowKey = ORDER_ROW_KEY.
 * The consumer claims an order with an insert (a second insert of the same key fails with 409, so
 * a redelivered message is detected) and never upserts: an upsert would hide the duplicate (trap 2.7).
 * Order ids are UUIDs, so they never contain the characters Table keys forbid (/ \ # ? and controls).
 */

export const ORDER_ROW_KEY = 'order';

export type OrderStatus = 'processing' | 'processed';

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
  readonly schemaVersion: number;
}

/** An order as the app works with it: the entity without its keys and bookkeeping, plus its ETag. */
export type OrderRecord = Omit<OrderEntity, 'partitionKey' | 'rowKey' | 'itemCount' | 'schemaVersion'> & {
  readonly orderId: string;
  /** Optimistic-concurrency tag of the stored entity. */
  readonly etag: string;
};

/** The part of `TableClient` (@azure/data-tables) this app uses; tests pass a double of it. */
export interface OrdersTable {
  createEntity(entity: OrderEntity, options: { abortSignal: AbortSignal }): Promise<{ etag?: string }>;
  getEntity(partitionKey: string, rowKey: string, options: { abortSignal: AbortSignal }): Promise<OrderEntity & { etag: string }>;
  updateEntity(entity: StatusUpdate, mode: 'Merge', options: { etag: string; abortSignal: AbortSignal }): Promise<{ etag?: string }>;
}

/** A merge that changes only the status fields and keeps the rest of the entity. */
export type StatusUpdate = Pick<OrderEntity, 'partitionKey' | 'rowKey' | 'status' | 'processedAt'>;

export type ClaimResult = { readonly claimed: true; readonly record: OrderRecord } | { readonly claimed: false; readonly record: OrderRecord };

/** Records the order as `processing`, or returns the record an earlier delivery already wrote. */
export async function claimOrder(table: OrdersTable, order: AcceptedOrder, abortSignal: AbortSignal): Promise<ClaimResult> {
  const entity: OrderEntity = {
    partitionKey: order.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processing',
    customerId: order.customerId,
    currency: order.currency,
    totalMinorUnits: order.totalMinorUnits,
    itemCount: order.items.length,
    acceptedAt: order.acceptedAt,
    schemaVersion: order.schemaVersion,
  };
  try {
    const { etag } = await table.createEntity(entity, { abortSignal });
    return { claimed: true, record: toRecord({ ...entity, etag: etag ?? '' }) };
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    return { claimed: false, record: toRecord(await table.getEntity(order.orderId, ORDER_ROW_KEY, { abortSignal })) };
  }
}

/**
 * Marks a claimed order `processed`, guarded by the claim's ETag. A 412 means another delivery of the
 * same message (running in parallel after a lost lock) changed it first: its current state is returned.
 */
export async function markProcessed(table: OrdersTable, record: OrderRecord, processedAt: Date, abortSignal: AbortSignal): Promise<OrderRecord> {
  const update: StatusUpdate = {
    partitionKey: record.orderId,
    rowKey: ORDER_ROW_KEY,
    status: 'processed',
    processedAt: processedAt.toISOString(),
  };
  try {
    const { etag } = await table.updateEntity(update, 'Merge', { etag: record.etag, abortSignal });
    return { ...record, status: update.status, processedAt: update.processedAt, etag: etag ?? '' };
  } catch (error) {
    if (statusOf(error) !== 412) throw error;
    return toRecord(await table.getEntity(record.orderId, ORDER_ROW_KEY, { abortSignal }));
  }
}

/** The recorded order, or undefined when there is none. */
export async function findOrder(table: OrdersTable, orderId: string, abortSignal: AbortSignal): Promise<OrderRecord | undefined> {
  try {
    return toRecord(await table.getEntity(orderId, ORDER_ROW_KEY, { abortSignal }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The HTTP status of a Tables error (RestError.statusCode), judged by property, not by class (trap 1.8). */
function statusOf(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function toRecord(entity: OrderEntity & { etag: string }): OrderRecord {
  return {
    orderId: entity.partitionKey,
    status: entity.status,
    customerId: entity.customerId,
    currency: entity.currency,
    totalMinorUnits: entity.totalMinorUnits,
    acceptedAt: entity.acceptedAt,
    ...(entity.processedAt ? { processedAt: entity.processedAt } : {}),
    etag: entity.etag,
  };
}
