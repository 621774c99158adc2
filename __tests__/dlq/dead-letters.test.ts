import { listDeadLetters, replayCopy, replayDeadLetters } from '../../scripts/dlq/dead-letters';
import { FakeDeadLetterQueue, FakeQueueSender, deadLetter } from '../helpers/fake-dead-letter-queue';
import { acceptedSample } from '../helpers/orders';

const VALID_ID = '3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70';
const MISMATCH_ID = '5b0a4c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';

function queueWithThree() {
  return new FakeDeadLetterQueue([
    deadLetter(11, VALID_ID, acceptedSample(VALID_ID)),
    deadLetter(12, MISMATCH_ID, { ...acceptedSample(MISMATCH_ID), totalMinorUnits: 1 }),
    deadLetter(13, 'not-an-order', 'plain text body'),
  ]);
}

describe('listing the dead-letter queue', () => {
  it('shows each message with its dead-letter reason and why the consumer rejects its body, without locking anything', async () => {
    const dlq = queueWithThree();
    const entries = await listDeadLetters(dlq, 2);

    expect(entries.map((e) => [e.messageId, e.sequenceNumber, e.deliveryCount, e.deadLetterReason])).toEqual([
      [VALID_ID, '11', 10, 'MaxDeliveryCountExceeded'],
      [MISMATCH_ID, '12', 10, 'MaxDeliveryCountExceeded'],
      ['not-an-order', '13', 10, 'MaxDeliveryCountExceeded'],
    ]);
    expect(entries[0]).toMatchObject({ validation: 'valid', orderId: VALID_ID, enqueuedTime: '2026-03-01T10:00:11.000Z' });
    expect(entries[1].validation).toBe('total mismatch: message says 1, items add up to 3399 minor units of EUR');
    expect(entries[2].validation).toMatch(/^invalid order message/);
    expect(dlq.unsettled()).toEqual([]);
    expect(dlq.messages).toHaveLength(3);
  });
});

describe('replaying dead letters', () => {
  it('copies a message with the same body and properties under a new, stable message id', () => {
    const message = deadLetter(42, VALID_ID, acceptedSample(VALID_ID));
    const copy = replayCopy(message);
    expect(copy).toEqual({
      messageId: `${VALID_ID}/replay/42`,
      body: message.body,
      contentType: 'application/json',
      correlationId: 'corr-42',
      subject: 'order.accepted',
      applicationProperties: { tenant: 'eu', replayOf: VALID_ID, replayOfSequenceNumber: '42' },
    });
    expect(replayCopy(message).messageId).toBe(copy.messageId);
  });

  it('replays the chosen ids only: sends, then completes; the rest go back to the DLQ', async () => {
    const dlq = queueWithThree();
    const sender = new FakeQueueSender();
    const outcomes = await replayDeadLetters(dlq, sender, (e) => e.messageId === MISMATCH_ID, { stopAfter: 1 });

    expect(outcomes).toEqual([{ messageId: MISMATCH_ID, sequenceNumber: '12', outcome: 'replayed', replayMessageId: `${MISMATCH_ID}/replay/12` }]);
    expect(sender.sent.map((m) => m.messageId)).toEqual([`${MISMATCH_ID}/replay/12`]);
    expect(dlq.completed).toEqual(['12']);
    expect(dlq.abandoned.sort()).toEqual(['11', '13']);
    expect(dlq.unsettled()).toEqual([]);
    expect(dlq.messages.map((m) => String(m.sequenceNumber))).toEqual(['11', '13']);
  });

  it('replays every message whose body is valid now, and leaves the others', async () => {
    const dlq = queueWithThree();
    const sender = new FakeQueueSender();
    const outcomes = await replayDeadLetters(dlq, sender, (e) => e.validation === 'valid', { batchSize: 2 });

    expect(outcomes.map((o) => [o.messageId, o.outcome])).toEqual([[VALID_ID, 'replayed']]);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0].body).toEqual(acceptedSample(VALID_ID));
    expect(dlq.completed).toEqual(['11']);
    expect(dlq.abandoned.sort()).toEqual(['12', '13']);
  });

  it('never completes a message whose copy was not sent: it stays in the DLQ, unsettled', async () => {
    const dlq = queueWithThree();
    const sender = new FakeQueueSender();
    sender.failFor.add(VALID_ID);
    const outcomes = await replayDeadLetters(dlq, sender, (e) => e.messageId === VALID_ID, { stopAfter: 1 });

    expect(outcomes).toEqual([{ messageId: VALID_ID, sequenceNumber: '11', outcome: 'send-failed', error: expect.stringContaining('ServiceTimeout') }]);
    expect(dlq.completed).toEqual([]);
    expect(dlq.abandoned).not.toContain('11');
    expect(dlq.unsettled()).toEqual(['11']);
    expect(dlq.messages).toHaveLength(3);
  });

  it('reports a copy that was sent but whose dead letter could not be completed', async () => {
    const dlq = queueWithThree();
    dlq.completeMessage = async () => {
      throw Object.assign(new Error('lock lost'), { code: 'MessageLockLost' });
    };
    const outcomes = await replayDeadLetters(dlq, new FakeQueueSender(), (e) => e.messageId === VALID_ID, { stopAfter: 1 });
    expect(outcomes).toEqual([{ messageId: VALID_ID, sequenceNumber: '11', outcome: 'sent-not-completed', error: 'MessageLockLost: lock lost' }]);
  });
});
