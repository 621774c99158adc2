import type { DeadLetteredMessage, DeadLetterReceiver, QueueSender, ReplayMessage } from '../../scripts/dlq/dead-letters';

/**
 * Doubles of a Service Bus dead-letter receiver and queue sender at the SDK boundary: peek browses
 * without locking, receive locks (a locked message is not received again), complete removes,
 * abandon unlocks. Every settlement is recorded by sequence number.
 */
export class FakeDeadLetterQueue implements DeadLetterReceiver {
  readonly completed: string[] = [];
  readonly abandoned: string[] = [];
  private readonly locked = new Set<string>();
  private peekCursor = 0;

  constructor(readonly messages: DeadLetteredMessage[]) {}

  async peekMessages(maxMessageCount: number): Promise<DeadLetteredMessage[]> {
    const page = this.messages.slice(this.peekCursor, this.peekCursor + maxMessageCount);
    this.peekCursor += page.length;
    return page;
  }

  async receiveMessages(maxMessageCount: number): Promise<DeadLetteredMessage[]> {
    const available = this.messages.filter((m) => !this.locked.has(seq(m))).slice(0, maxMessageCount);
    for (const message of available) this.locked.add(seq(message));
    return available;
  }

  async completeMessage(message: DeadLetteredMessage): Promise<void> {
    this.assertLocked(message);
    this.completed.push(seq(message));
    this.locked.delete(seq(message));
    this.messages.splice(this.messages.indexOf(message), 1);
  }

  async abandonMessage(message: DeadLetteredMessage): Promise<void> {
    this.assertLocked(message);
    this.abandoned.push(seq(message));
    this.locked.delete(seq(message));
  }

  /** Sequence numbers of messages still locked by the receiver (neither completed nor abandoned). */
  unsettled(): string[] {
    return [...this.locked];
  }

  private assertLocked(message: DeadLetteredMessage): void {
    if (!this.locked.has(seq(message))) throw new Error(`message ${seq(message)} is not locked by this receiver`);
  }
}

export class FakeQueueSender implements QueueSender {
  readonly sent: ReplayMessage[] = [];
  failFor = new Set<string>();

  async sendMessages(message: ReplayMessage): Promise<void> {
    if (this.failFor.has(String(message.applicationProperties.replayOf))) {
      throw Object.assign(new Error('The operation did not complete within the allocated time'), { code: 'ServiceTimeout' });
    }
    this.sent.push(message);
  }
}

function seq(message: DeadLetteredMessage): string {
  return String(message.sequenceNumber);
}

/** A dead-lettered message as the SDK delivers it from the DLQ. */
export function deadLetter(sequenceNumber: number, messageId: string, body: unknown, extra: Partial<DeadLetteredMessage> = {}): DeadLetteredMessage {
  return {
    messageId,
    body,
    sequenceNumber: { toString: () => String(sequenceNumber) },
    enqueuedTimeUtc: new Date(Date.UTC(2026, 2, 1, 10, 0, sequenceNumber)),
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
