import { listDeadLetters, lockRenewalForWalk, replayCopy, replayDeadLetters } from '../../scripts/dlq/dead-letters';
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

/**
 * `invalid` dead letters with a body the consumer rejects (a burst of poison orders, sequence numbers
 * 1..invalid), then `valid` ones with a body that is valid now.
 */
function manyLetters(invalid: number, valid: number) {
  const sample = acceptedSample();
  return Array.from({ length: invalid + valid }, (_, i) => {
    const sequence = i + 1;
    const orderId = `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
    const body = sequence > invalid ? { ...sample, orderId } : { ...sample, orderId, totalMinorUnits: 1 };
    return deadLetter(sequence, orderId, body);
  });
}

describe('listing the dead-letter queue', () => {
  it('shows each message with its dead-letter reason and why the consumer rejects its body, without locking anything', async () => {
    const dlq = queueWithThree();
    const listing = await listDeadLetters(dlq, 10, 2);

    expect(listing.entries.map((e) => [e.messageId, e.sequenceNumber, e.deliveryCount, e.deadLetterReason])).toEqual([
      [VALID_ID, '11', 10, 'MaxDeliveryCountExceeded'],
      [MISMATCH_ID, '12', 10, 'MaxDeliveryCountExceeded'],
      ['not-an-order', '13', 10, 'MaxDeliveryCountExceeded'],
    ]);
    expect(listing.entries[0]).toMatchObject({ validation: 'valid', orderId: VALID_ID, enqueuedTime: '2026-03-01T10:00:11.000Z' });
    expect(listing.entries[1].validation).toBe('total mismatch: message says 1, items add up to 3399 minor units of EUR');
    expect(listing.entries[2].validation).toMatch(/^invalid order message/);
    expect(listing.truncated).toBe(false);
    expect(dlq.unsettled()).toEqual([]);
    expect(dlq.messages).toHaveLength(3);
  });

  it('says when it stopped at its limit with more letters left, and not when the limit is exactly reached', async () => {
    expect(await listDeadLetters(queueWithThree(), 2)).toMatchObject({
      truncated: true,
      limit: 2,
      entries: [{ sequenceNumber: '11' }, { sequenceNumber: '12' }],
    });
    expect((await listDeadLetters(queueWithThree(), 3)).truncated).toBe(false);
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
    const report = await replayDeadLetters(dlq, sender, (e) => e.messageId === MISMATCH_ID, { stopAfter: 1 });

    expect(report.outcomes).toEqual([
      { messageId: MISMATCH_ID, sequenceNumber: '12', outcome: 'replayed', replayMessageId: `${MISMATCH_ID}/replay/12` },
    ]);
    expect(report.ended).toBe('all-chosen-found');
    expect(sender.sent.map((m) => m.messageId)).toEqual([`${MISMATCH_ID}/replay/12`]);
    expect(dlq.completed).toEqual(['12']);
    expect(dlq.abandoned.sort()).toEqual(['11', '13']);
    expect(dlq.unsettled()).toEqual([]);
    expect(dlq.messages.map((m) => String(m.sequenceNumber))).toEqual(['11', '13']);
  });

  it('replays every message whose body is valid now, and leaves the others', async () => {
    const dlq = queueWithThree();
    const sender = new FakeQueueSender();
    const report = await replayDeadLetters(dlq, sender, (e) => e.validation === 'valid', { batchSize: 2 });

    expect(report.outcomes.map((o) => [o.messageId, o.outcome])).toEqual([[VALID_ID, 'replayed']]);
    expect([report.seen, report.ended]).toEqual([3, 'complete']);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0].body).toEqual(acceptedSample(VALID_ID));
    expect(dlq.completed).toEqual(['11']);
    expect(dlq.abandoned.sort()).toEqual(['12', '13']);
  });

  it('abandons a letter whose copy was not sent at once, never completes it, and never replays it twice', async () => {
    const dlq = queueWithThree();
    const sender = new FakeQueueSender(dlq.clock, 0, dlq.events);
    sender.failFor.add(VALID_ID);
    const report = await replayDeadLetters(dlq, sender, (e) => e.validation === 'valid');

    expect(report.outcomes).toEqual([
      { messageId: VALID_ID, sequenceNumber: '11', outcome: 'send-failed', error: expect.stringContaining('ServiceTimeout') },
    ]);
    // Released right after the failed send, before anything else happens; the letter then comes back
    // at the head of the next receive and is held, not sent again.
    expect(dlq.events.slice(0, 3)).toEqual(['receive 3', 'send-failed 11', 'abandon 11']);
    expect(dlq.events.filter((e) => e.startsWith('send'))).toEqual(['send-failed 11']);
    expect(dlq.completed).toEqual([]);
    expect(dlq.unsettled()).toEqual([]);
    expect(dlq.messages).toHaveLength(3);
  });

  it('reports a copy that was sent but whose dead letter could not be completed', async () => {
    const dlq = queueWithThree();
    dlq.completeMessage = async () => {
      throw Object.assign(new Error('lock lost'), { code: 'MessageLockLost' });
    };
    const report = await replayDeadLetters(dlq, new FakeQueueSender(), (e) => e.messageId === VALID_ID, { stopAfter: 1 });
    expect(report.outcomes).toEqual([
      { messageId: VALID_ID, sequenceNumber: '11', outcome: 'sent-not-completed', error: 'MessageLockLost: lock lost' },
    ]);
  });

  it('walks thousands of letters once even when locks lapse in the middle of the walk', async () => {
    // Issue 7 finding 5. 3,000 poison letters, then 5,000 valid ones; a send takes 50 ms and a
    // settlement 30 ms of fake time, so the walk takes about 400 s, past the lock renewal of 5 minutes
    // (the SDK's default): the 3,000 letters held since the start come back to the head together. The
    // old scan ended at the first batch of letters it had seen, left 1,400 of the valid letters in the
    // DLQ and reported success.
    const dlq = new FakeDeadLetterQueue(manyLetters(3_000, 5_000), { receiveMs: 100, settleMs: 30, lockRenewalMs: 300_000 });
    const sender = new FakeQueueSender(dlq.clock, 50);
    const report = await replayDeadLetters(dlq, sender, (e) => e.validation === 'valid', { now: () => dlq.clock.now });

    expect(dlq.clock.now).toBeGreaterThan(300_000);
    expect([report.seen, report.ended]).toEqual([8_000, 'complete']);
    expect(report.outcomes.filter((o) => o.outcome === 'replayed')).toHaveLength(5_000);
    const replayed = sender.sent.map((m) => m.applicationProperties.replayOfSequenceNumber);
    expect(new Set(replayed).size).toBe(5_000);
    expect(replayed.every((s) => Number(s) > 3_000)).toBe(true);
    expect(dlq.messages).toHaveLength(3_000);
    expect(dlq.unsettled()).toEqual([]);
  });

  it('renews locks for longer than the walk may take', () => {
    expect(lockRenewalForWalk(15 * 60_000)).toBeGreaterThan(15 * 60_000);
  });

  it.each([
    ['letter-limit', { maxLetters: 2 }, 2],
    ['time-limit', { maxDurationMs: 150 }, 2],
  ] as const)('ends at its bound (%s) and says so, releasing every letter it holds', async (ended, bound, seen) => {
    // Each receive takes 100 ms of fake time and returns one letter.
    const dlq = new FakeDeadLetterQueue(manyLetters(3, 0), { receiveMs: 100 });
    const report = await replayDeadLetters(dlq, new FakeQueueSender(dlq.clock), () => false, {
      batchSize: 1,
      now: () => dlq.clock.now,
      ...bound,
    });
    expect([report.ended, report.seen]).toEqual([ended, seen]);
    expect(dlq.unsettled()).toEqual([]);
  });
});
