import type { DeadLetteredMessage, DeadLetterReceiver, QueueSender, ReplayMessage } from '../../scripts/dlq/dead-letters';

/** Milliseconds of fake time, shared by a queue and its sender. */
export class FakeClock {
  constructor(public now = 0) {}
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface FakeDeadLetterQueueOptions {
  readonly clock?: FakeClock;
  /** The queue's lock duration. @default 60 s (PT1M) */
  readonly lockDurationMs?: number;
  /** The receiver's maxAutoLockRenewalDurationInMs. @default 5 minutes, the SDK's default */
  readonly lockRenewalMs?: number;
  /** Fake time one receive call takes. @default 0 */
  readonly receiveMs?: number;
  /** Fake time one complete or abandon takes. @default 0 */
  readonly settleMs?: number;
}

/** A message as this receiver hands it out: a copy carrying the lock it was received under. */
type Received = DeadLetteredMessage & { readonly lockToken?: string };

/**
 * A double of a Service Bus dead-letter receiver in peekLock mode, at the SDK boundary, that behaves
 * like the broker where a walk over the DLQ depends on it:
 * - receive hands out the available letters in sequence-number order and locks them; a locked letter
 *   is not handed out again while its lock holds;
 * - a lock holds for the lock duration, or, with auto renewal, until the renewal period after receipt
 *   ends; then it lapses and the letter is available again, at the head (lowest sequence number first),
 *   and settling it with the old lock fails with MessageLockLost;
 * - abandon releases a letter at once (it is next in line again); complete removes it;
 * - receive waits `maxWaitTimeInMs` of fake time and returns nothing when no letter is available;
 * - peek browses without locking, continuing after the last peeked letter.
 * Settlements and sends are recorded in `events` in the order they happen.
 */
export class FakeDeadLetterQueue implements DeadLetterReceiver {
  readonly completed: string[] = [];
  readonly abandoned: string[] = [];
  readonly events: string[] = [];
  readonly clock: FakeClock;
  private readonly locks = new Map<string, { token: string; until: number }>();
  /** In sequence-number order; completed letters are dropped from it. */
  private letters: Array<{ readonly sequence: string; readonly message: DeadLetteredMessage }>;
  private readonly removed = new Set<string>();
  private nextToken = 1;
  private peekCursor = 0;
  private readonly options: FakeDeadLetterQueueOptions;

  constructor(messages: DeadLetteredMessage[], options: FakeDeadLetterQueueOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? new FakeClock();
    this.letters = messages.map((message) => ({ sequence: seq(message), message })).sort((a, b) => Number(a.sequence) - Number(b.sequence));
  }

  /** The letters still in the dead-letter queue, in sequence-number order. */
  get messages(): DeadLetteredMessage[] {
    if (this.removed.size > 0) this.letters = this.letters.filter((l) => !this.removed.has(l.sequence));
    this.removed.clear();
    return this.letters.map((l) => l.message);
  }

  async peekMessages(maxMessageCount: number): Promise<DeadLetteredMessage[]> {
    const page = this.messages.slice(this.peekCursor, this.peekCursor + maxMessageCount);
    this.peekCursor += page.length;
    return page.map((m) => ({ ...m }));
  }

  async receiveMessages(maxMessageCount: number, options: { maxWaitTimeInMs?: number } = {}): Promise<Received[]> {
    this.clock.advance(this.options.receiveMs ?? 0);
    const available: DeadLetteredMessage[] = [];
    for (const letter of this.letters) {
      if (available.length >= maxMessageCount) break;
      if (!this.removed.has(letter.sequence) && !this.isLocked(letter.sequence)) available.push(letter.message);
    }
    if (available.length === 0) {
      this.clock.advance(options.maxWaitTimeInMs ?? 60_000);
      return [];
    }
    const lockDuration = this.options.lockDurationMs ?? 60_000;
    const holdsFor = Math.max(lockDuration, this.options.lockRenewalMs ?? 300_000);
    this.events.push(`receive ${available.length}`);
    return available.map((message) => {
      const token = `lock-${this.nextToken++}`;
      this.locks.set(seq(message), { token, until: this.clock.now + holdsFor });
      return { ...message, lockToken: token };
    });
  }

  async completeMessage(message: Received): Promise<void> {
    this.settle(message, 'complete');
    this.completed.push(seq(message));
    this.removed.add(seq(message));
  }

  async abandonMessage(message: Received): Promise<void> {
    this.settle(message, 'abandon');
    this.abandoned.push(seq(message));
  }

  /** Sequence numbers of letters whose lock still holds (neither settled nor lapsed). */
  unsettled(): string[] {
    return [...this.locks.keys()].filter((s) => this.isLocked(s));
  }

  private settle(message: Received, action: string): void {
    this.clock.advance(this.options.settleMs ?? 0);
    const lock = this.locks.get(seq(message));
    if (!lock || lock.token !== message.lockToken || lock.until <= this.clock.now) {
      throw Object.assign(new Error(`the lock on message ${seq(message)} is lost`), { code: 'MessageLockLost' });
    }
    this.locks.delete(seq(message));
    this.events.push(`${action} ${seq(message)}`);
  }

  private isLocked(sequenceNumber: string): boolean {
    const lock = this.locks.get(sequenceNumber);
    return lock !== undefined && lock.until > this.clock.now;
  }
}

export class FakeQueueSender implements QueueSender {
  readonly sent: ReplayMessage[] = [];
  failFor = new Set<string>();

  /** `events`: the queue's log, so sends and settlements are seen in one order. */
  constructor(
    private readonly clock = new FakeClock(),
    private readonly sendMs = 0,
    private readonly events: string[] = [],
  ) {}

  async sendMessages(message: ReplayMessage): Promise<void> {
    this.clock.advance(this.sendMs);
    if (this.failFor.has(String(message.applicationProperties.replayOf))) {
      this.events.push(`send-failed ${message.applicationProperties.replayOfSequenceNumber}`);
      throw Object.assign(new Error('The operation did not complete within the allocated time'), { code: 'ServiceTimeout' });
    }
    this.events.push(`send ${message.applicationProperties.replayOfSequenceNumber}`);
    this.sent.push(message);
  }
}

function seq(message: DeadLetteredMessage): string {
  return String(message.sequenceNumber);
}

/** A dead-lettered message as the SDK delivers it from the DLQ. */
export function deadLetter(
  sequenceNumber: number,
  messageId: string,
  body: unknown,
  extra: Partial<DeadLetteredMessage> = {},
): DeadLetteredMessage {
  return {
    messageId,
    body,
    sequenceNumber: { toString: () => String(sequenceNumber) },
    enqueuedTimeUtc: new Date(Date.UTC(2026, 2, 1, 10, 0, sequenceNumber % 60)),
    deliveryCount: 10,
    deadLetterReason: 'MaxDeliveryCountExceeded',
    deadLetterErrorDescription: 'Message could not be consumed after 10 delivery attempts.',
    contentType: 'application/json',
    correlationId: `corr-${sequenceNumber}`,
    subject: 'order.accepted',
    applicationProperties: { DeadLetterReason: 'MaxDeliveryCountExceeded', DeadLetterErrorDescription: 'x', tenant: 'eu' },
    ...extra,
  };
}
