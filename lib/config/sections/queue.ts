import { QUEUE_NAME_PATTERN } from '../../../functions/app-settings';
import type { Checks } from '../checks';
import type { EnvironmentConfig } from '../types';

/**
 * The `queue` section of an environment's configuration: the order queue, its type, secure default and
 * rules.
 */

/** azurerm servicebus_queue max_size_in_megabytes; Standard allows up to 5120. */
export const QUEUE_SIZES_MB = [1024, 2048, 3072, 4096, 5120, 10240, 20480, 40960, 81920] as const;
/** Shortest queue lock the consumer's timing allows (see checkQueue). */
export const MIN_LOCK_DURATION = 'PT1M';

export interface QueueConfig {
  /** Queue name. @example 'orders' */
  readonly name: string;
  /** How long a receiver holds a message before Service Bus redelivers it; canonical ISO-8601, PT1M..PT5M (the consumer needs twice its 30 s retry budget and its 45 s claim lease). */
  readonly lockDuration: string;
  /** Deliveries before Service Bus moves a message to the dead-letter queue. */
  readonly maxDeliveryCount: number;
  /** Time to live of an unprocessed order; expired orders are dead-lettered, not dropped. */
  readonly defaultMessageTtl: string;
  /** Window in which a repeated message id (= order id) is dropped; PT20S..P7D. */
  readonly duplicateDetectionWindow: string;
  /** Queue size: 1024..5120 on Standard, up to 81920 on Premium. */
  readonly maxSizeInMegabytes: number;
}

/** Dead-lettering after 10 deliveries, two weeks to live, duplicates dropped for 10 minutes; 10 GB needs Premium. */
export const defaultQueue: QueueConfig = {
  name: 'orders',
  lockDuration: MIN_LOCK_DURATION,
  maxDeliveryCount: 10,
  defaultMessageTtl: 'P14D',
  duplicateDetectionWindow: 'PT10M',
  maxSizeInMegabytes: 10240,
};

export function checkQueue(c: Checks, env: Pick<EnvironmentConfig, 'queue' | 'serviceBus'>): void {
  const q = env.queue;
  c.matches(
    'queue.name',
    q.name,
    QUEUE_NAME_PATTERN,
    'expected 2-260 letters, digits, ".", "-", "_", "~" or "/", starting and ending with a letter or digit',
  );
  // At least 1 minute: the consumer's retry budget (30 s) must fit twice and its claim lease (45 s)
  // once, so a message is never redelivered while its first delivery may still run (functions tests
  // check the constants against this minimum).
  c.duration('queue.lockDuration', q.lockDuration, MIN_LOCK_DURATION, 'PT5M');
  c.integer('queue.maxDeliveryCount', q.maxDeliveryCount, 1, 100);
  c.duration('queue.defaultMessageTtl', q.defaultMessageTtl, 'PT5M', 'P365D');
  c.duration('queue.duplicateDetectionWindow', q.duplicateDetectionWindow, 'PT20S', 'P7D');
  const sizes = env.serviceBus.sku === 'Standard' ? QUEUE_SIZES_MB.filter((s) => s <= 5120) : QUEUE_SIZES_MB;
  c.oneOf(`queue.maxSizeInMegabytes (${env.serviceBus.sku})`, q.maxSizeInMegabytes, sizes);
}
