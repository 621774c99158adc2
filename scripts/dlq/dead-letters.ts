import { validateOrderMessage } from '../../functions/orders/order-message';

/**
 * The dead-letter queue of the orders queue, for operators: list what is there and why, and replay
 * chosen messages to the queue. Poison orders reach the DLQ through the consumer's route (see
 * functions/queue/poison-message-error.ts), with DeadLetterReason `MaxDeliveryCountExceeded`; the
 * validation reason is recomputed here with the consumer's own schema.
 *
 * Written against the small parts of @azure/service-bus it uses, so tests drive it with doubles.
 */

/** The fields of a ServiceBusReceivedMessage this tool reads. */
export interface DeadLetteredMessage {
  readonly messageId?: string | number | Buffer;
  readonly body: unknown;
  readonly sequenceNumber?: { toString(): string };
  readonly enqueuedTimeUtc?: Date;
  readonly deliveryCount?: number;
  readonly deadLetterReason?: string;
  readonly deadLetterErrorDescription?: string;
  readonly contentType?: string;
  readonly correlationId?: string | number | Buffer;
  readonly subject?: string;
  readonly applicationProperties?: Record<string, number | boolean | string | Date | null>;
}

/** A receiver on the queue's dead-letter sub-queue, in peekLock mode. */
export interface DeadLetterReceiver<M extends DeadLetteredMessage = DeadLetteredMessage> {
  /** Browses without locking; each call continues after the last peeked message. */
  peekMessages(maxMessageCount: number): Promise<M[]>;
  receiveMessages(maxMessageCount: number, options?: { maxWaitTimeInMs?: number }): Promise<M[]>;
  completeMessage(message: M): Promise<void>;
  abandonMessage(message: M): Promise<void>;
}

/** The message a replay sends (a ServiceBusMessage). */
export interface ReplayMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly contentType?: string;
  readonly correlationId?: string | number | Buffer;
  readonly subject?: string;
  readonly applicationProperties: Record<string, number | boolean | string | Date | null>;
}

export interface QueueSender {
  sendMessages(message: ReplayMessage): Promise<void>;
}

export interface DeadLetterEntry {
  readonly messageId: string;
  readonly sequenceNumber: string;
  readonly enqueuedTime?: string;
  readonly deliveryCount?: number;
  readonly deadLetterReason?: string;
  readonly deadLetterDescription?: string;
  /** The order id from the body, when it has one. */
  readonly orderId?: string;
  /** `valid`, or why the consumer rejects the body. */
  readonly validation: string;
}

export function describeDeadLetter(message: DeadLetteredMessage): DeadLetterEntry {
  const validation = validateOrderMessage(message.body);
  return {
    messageId: String(message.messageId ?? ''),
    sequenceNumber: String(message.sequenceNumber ?? ''),
    enqueuedTime: message.enqueuedTimeUtc?.toISOString(),
    deliveryCount: message.deliveryCount,
    deadLetterReason: message.deadLetterReason,
    deadLetterDescription: message.deadLetterErrorDescription,
    orderId: orderIdIn(message.body),
    validation: validation.ok ? 'valid' : validation.reason,
  };
}

/** Every dead-lettered message (up to `limit`), peeked, so nothing is locked, page by page. */
export async function listDeadLetters(receiver: DeadLetterReceiver, pageSize = 100, limit = 10_000): Promise<DeadLetterEntry[]> {
  const entries: DeadLetterEntry[] = [];
  while (entries.length < limit) {
    const page = await receiver.peekMessages(Math.min(pageSize, limit - entries.length));
    if (page.length === 0) break;
    entries.push(...page.map(describeDeadLetter));
  }
  return entries;
}

/** Broker-set properties the copy must not carry back into the queue. */
const DEAD_LETTER_PROPERTIES = new Set(['DeadLetterReason', 'DeadLetterErrorDescription']);

/**
 * A copy for the queue: same body and properties, and a new message id `<orderId>/replay/<dlq sequence
 * number>`. A new id, because duplicate detection would drop the order id it has already seen; a
 * stable one, so replaying the same dead letter twice (the send succeeded, the complete did not) is
 * dropped as a duplicate. The consumer is idempotent on the order id in the body either way.
 */
export function replayCopy(message: DeadLetteredMessage): ReplayMessage {
  const entry = describeDeadLetter(message);
  const applicationProperties = Object.fromEntries(
    Object.entries(message.applicationProperties ?? {}).filter(([key]) => !DEAD_LETTER_PROPERTIES.has(key)),
  );
  return {
    messageId: `${entry.orderId ?? entry.messageId}/replay/${entry.sequenceNumber}`,
    body: message.body,
    contentType: message.contentType,
    correlationId: message.correlationId,
    subject: message.subject,
    applicationProperties: { ...applicationProperties, replayOf: entry.messageId, replayOfSequenceNumber: entry.sequenceNumber },
  };
}

export type ReplayOutcome =
  | { readonly messageId: string; readonly sequenceNumber: string; readonly outcome: 'replayed'; readonly replayMessageId: string }
  /** Nothing changed: the dead letter stays, its lock runs out. */
  | { readonly messageId: string; readonly sequenceNumber: string; readonly outcome: 'send-failed'; readonly error: string }
  /** The copy is on the queue but the dead letter stays too; replaying it again is dropped as a duplicate. */
  | { readonly messageId: string; readonly sequenceNumber: string; readonly outcome: 'sent-not-completed'; readonly error: string };

export interface ReplayOptions {
  readonly batchSize?: number;
  /** How long one receive waits for messages; an empty receive ends the scan. */
  readonly maxWaitTimeInMs?: number;
  /** Stop as soon as this many messages were chosen (for a replay of explicit ids). */
  readonly stopAfter?: number;
}

/**
 * Replays the dead letters `choose` picks. Each chosen message is received in peekLock, copied to the
 * queue, and completed only after the send succeeded, so a message is never lost: a failed send
 * leaves it unsettled in the DLQ. Messages not chosen stay locked until the scan ends (so the scan
 * does not meet them again) and are then abandoned back to the DLQ.
 */
export async function replayDeadLetters<M extends DeadLetteredMessage>(
  receiver: DeadLetterReceiver<M>,
  sender: QueueSender,
  choose: (entry: DeadLetterEntry) => boolean,
  options: ReplayOptions = {},
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const passedOver: M[] = [];
  const seen = new Set<string>();
  let chosen = 0;
  try {
    scan: for (;;) {
      const batch = await receiver.receiveMessages(options.batchSize ?? 50, { maxWaitTimeInMs: options.maxWaitTimeInMs ?? 3_000 });
      const fresh = batch.filter((message) => !seen.has(String(message.sequenceNumber)));
      passedOver.push(...batch.filter((message) => !fresh.includes(message)));
      if (fresh.length === 0) break;
      for (const [index, message] of fresh.entries()) {
        const entry = describeDeadLetter(message);
        seen.add(entry.sequenceNumber);
        if (!choose(entry)) {
          passedOver.push(message);
          continue;
        }
        chosen++;
        outcomes.push(await replayOne(receiver, sender, message, entry));
        if (options.stopAfter !== undefined && chosen >= options.stopAfter) {
          passedOver.push(...fresh.slice(index + 1));
          break scan;
        }
      }
    }
  } finally {
    for (const message of passedOver) await receiver.abandonMessage(message).catch(() => undefined);
  }
  return outcomes;
}

async function replayOne<M extends DeadLetteredMessage>(receiver: DeadLetterReceiver<M>, sender: QueueSender, message: M, entry: DeadLetterEntry): Promise<ReplayOutcome> {
  const { messageId, sequenceNumber } = entry;
  const copy = replayCopy(message);
  try {
    await sender.sendMessages(copy);
  } catch (error) {
    return { messageId, sequenceNumber, outcome: 'send-failed', error: errorText(error) };
  }
  try {
    await receiver.completeMessage(message);
    return { messageId, sequenceNumber, outcome: 'replayed', replayMessageId: copy.messageId };
  } catch (error) {
    return { messageId, sequenceNumber, outcome: 'sent-not-completed', error: errorText(error) };
  }
}

function orderIdIn(body: unknown): string | undefined {
  const orderId = (body as { orderId?: unknown } | null)?.orderId;
  return typeof orderId === 'string' && orderId.length > 0 ? orderId : undefined;
}

export function errorText(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return `${typeof code === 'string' ? `${code}: ` : ''}${String(message ?? error)}`;
}
