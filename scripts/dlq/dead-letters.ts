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

/** The dead letters a listing found, and whether it stopped at its cap with more left. */
export interface DeadLetterListing {
  readonly entries: DeadLetterEntry[];
  /** True when `limit` letters were listed and at least one more is in the DLQ. */
  readonly truncated: boolean;
  readonly limit: number;
}

/**
 * The dead letters (at most `limit`), peeked, so nothing is locked, page by page. One letter more is
 * peeked at the end, to tell a complete listing from one cut at its cap.
 */
export async function listDeadLetters(
  receiver: DeadLetterReceiver,
  limit = DEFAULT_LETTER_LIMIT,
  pageSize = 100,
): Promise<DeadLetterListing> {
  const entries: DeadLetterEntry[] = [];
  while (entries.length < limit) {
    const page = await receiver.peekMessages(Math.min(pageSize, limit - entries.length));
    if (page.length === 0) return { entries, truncated: false, limit };
    entries.push(...page.map(describeDeadLetter));
  }
  const beyond = await receiver.peekMessages(1);
  return { entries, truncated: beyond.length > 0, limit };
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
  /** Nothing changed: the dead letter was abandoned at once and stays in the DLQ. */
  | { readonly messageId: string; readonly sequenceNumber: string; readonly outcome: 'send-failed'; readonly error: string }
  /** The copy is on the queue but the dead letter stays too; replaying it again is dropped as a duplicate. */
  | { readonly messageId: string; readonly sequenceNumber: string; readonly outcome: 'sent-not-completed'; readonly error: string };

/** Bounds of one walk: every walk ends by itself, and says which bound ended it. */
export const DEFAULT_LETTER_LIMIT = 10_000;
export const MAX_LETTER_LIMIT = 100_000;
export const DEFAULT_WALK_MINUTES = 15;

export interface ReplayOptions {
  readonly batchSize?: number;
  /** How long one receive waits for messages; a receive that returns nothing ends the walk. */
  readonly maxWaitTimeInMs?: number;
  /** Stop as soon as this many messages were chosen (for a replay of explicit ids). */
  readonly stopAfter?: number;
  /** Stop after this many distinct dead letters. @default DEFAULT_LETTER_LIMIT */
  readonly maxLetters?: number;
  /** Stop receiving after this long (ms). @default DEFAULT_WALK_MINUTES */
  readonly maxDurationMs?: number;
  /** Clock for the time bound (ms); tests pass the fake queue's clock. */
  readonly now?: () => number;
}

export interface ReplayReport {
  readonly outcomes: ReplayOutcome[];
  /** Distinct dead letters seen (by sequence number). */
  readonly seen: number;
  /** Why the walk ended: it met an empty receive (`complete`), or a bound, or found every chosen id. */
  readonly ended: 'complete' | 'all-chosen-found' | 'letter-limit' | 'time-limit';
}

/**
 * The lock renewal the receiver needs for a walk bounded by `maxDurationMs`: every letter is held
 * from its receipt until the walk ends and the held ones are abandoned, so renewal must outlast the
 * walk (the SDK's default of 5 minutes is what let locks lapse in the middle of a long walk).
 */
export function lockRenewalForWalk(maxDurationMs: number): number {
  return maxDurationMs + 5 * 60_000;
}

/**
 * Walks the dead-letter queue once and replays the letters `choose` picks (issue 7, finding 5).
 *
 * - Each letter is received in peekLock and its lock is HELD (the receiver renews it, see
 *   `lockRenewalForWalk`) until the walk ends, so a receive never returns it again and the walk
 *   reaches every letter: it ends only when a receive returns nothing (or at a bound).
 * - A chosen letter is replayed as it comes: copy sent, then completed, so it is never lost.
 * - A letter whose send failed is abandoned at once, not left locked (it stays in the DLQ).
 * - Sequence numbers are remembered: a letter met again (abandoned above, or a lock that lapsed
 *   anyway) is held, never replayed twice.
 * - Every letter still held is abandoned at the end, back to the DLQ.
 */
export async function replayDeadLetters<M extends DeadLetteredMessage>(
  receiver: DeadLetterReceiver<M>,
  sender: QueueSender,
  choose: (entry: DeadLetterEntry) => boolean,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const now = options.now ?? Date.now;
  const maxLetters = options.maxLetters ?? DEFAULT_LETTER_LIMIT;
  const endsAt = now() + (options.maxDurationMs ?? DEFAULT_WALK_MINUTES * 60_000);
  const outcomes: ReplayOutcome[] = [];
  const held: M[] = [];
  const seen = new Set<string>();
  let chosen = 0;
  let ended: ReplayReport['ended'] = 'complete';
  try {
    walk: for (;;) {
      if (seen.size >= maxLetters) {
        ended = 'letter-limit';
        break;
      }
      if (now() >= endsAt) {
        ended = 'time-limit';
        break;
      }
      const batch = await receiver.receiveMessages(Math.min(options.batchSize ?? 100, maxLetters - seen.size), {
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 5_000,
      });
      if (batch.length === 0) break;
      for (const message of batch) {
        const sequenceNumber = String(message.sequenceNumber);
        if (seen.has(sequenceNumber)) {
          held.push(message);
          continue;
        }
        seen.add(sequenceNumber);
        const entry = describeDeadLetter(message);
        if (!choose(entry)) {
          held.push(message);
          continue;
        }
        chosen++;
        const outcome = await replayOne(receiver, sender, message, entry);
        outcomes.push(outcome);
        if (outcome.outcome === 'send-failed') await receiver.abandonMessage(message).catch(() => undefined);
        if (options.stopAfter !== undefined && chosen >= options.stopAfter) {
          held.push(...batch.slice(batch.indexOf(message) + 1));
          ended = 'all-chosen-found';
          break walk;
        }
      }
    }
  } finally {
    for (const message of held) await receiver.abandonMessage(message).catch(() => undefined);
  }
  return { outcomes, seen: seen.size, ended };
}

async function replayOne<M extends DeadLetteredMessage>(
  receiver: DeadLetterReceiver<M>,
  sender: QueueSender,
  message: M,
  entry: DeadLetterEntry,
): Promise<ReplayOutcome> {
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
