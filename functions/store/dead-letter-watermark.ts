/**
 * How far the dead-letter scan (queue/dead-letter-scan.ts) has read the queue's dead-letter queue:
 * the highest sequence number it has handled. One entity in the orders table, under a partition key
 * no order can have (order ids are UUIDs), so the processor needs no other table or grant.
 */

export const WATERMARK_PARTITION_KEY = 'dead-letter-scan';
export const WATERMARK_ROW_KEY = 'watermark';

export interface WatermarkEntity {
  readonly partitionKey: string;
  readonly rowKey: string;
  /** Decimal digits: Service Bus sequence numbers are 64-bit, past what a number holds exactly. */
  readonly lastSequenceNumber: string;
  readonly updatedAt: string;
}

/** The part of `TableClient` the watermark uses; tests pass a double of it. */
export interface WatermarkTable {
  createEntity(entity: WatermarkEntity, options: { abortSignal: AbortSignal }): Promise<{ etag?: string }>;
  getEntity(partitionKey: string, rowKey: string, options: { abortSignal: AbortSignal }): Promise<WatermarkEntity & { etag?: string }>;
  updateEntity(entity: WatermarkEntity, mode: 'Merge', options: { etag: string; abortSignal: AbortSignal }): Promise<{ etag?: string }>;
}

export interface Watermark {
  readonly lastSequenceNumber: bigint;
  /** Undefined before the first save. */
  readonly etag?: string;
}

/** The stored watermark, or one before the first sequence number when none is stored yet. */
export async function readWatermark(table: WatermarkTable, abortSignal: AbortSignal): Promise<Watermark> {
  try {
    const entity = await table.getEntity(WATERMARK_PARTITION_KEY, WATERMARK_ROW_KEY, { abortSignal });
    return { lastSequenceNumber: BigInt(entity.lastSequenceNumber), etag: entity.etag ?? '*' };
  } catch (error) {
    if ((error as { statusCode?: unknown } | null)?.statusCode !== 404) throw error;
    return { lastSequenceNumber: -1n };
  }
}

/**
 * Saves `lastSequenceNumber`, guarded by the ETag read (the timer runs one scan at a time, so a 412
 * means a second scan ran meanwhile: it is thrown, and the next run starts from what is stored).
 */
export async function saveWatermark(
  table: WatermarkTable,
  previous: Watermark,
  lastSequenceNumber: bigint,
  now: Date,
  abortSignal: AbortSignal,
): Promise<Watermark> {
  const entity: WatermarkEntity = {
    partitionKey: WATERMARK_PARTITION_KEY,
    rowKey: WATERMARK_ROW_KEY,
    lastSequenceNumber: lastSequenceNumber.toString(),
    updatedAt: now.toISOString(),
  };
  const { etag } =
    previous.etag === undefined
      ? await table.createEntity(entity, { abortSignal })
      : await table.updateEntity(entity, 'Merge', { etag: previous.etag, abortSignal });
  return { lastSequenceNumber, etag: etag ?? '*' };
}
