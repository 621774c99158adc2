import { DeadlineExceededError, withDeadline } from '../../functions/resilience/deadline';
import { CONSUMER_RETRY_POLICY, backoffCeilingMs, withRetry, worstCaseMs } from '../../functions/resilience/retry-policy';
import { describeError, isTransient } from '../../functions/resilience/transient-errors';
import { PoisonMessageError } from '../../functions/queue/poison-message-error';

describe('isTransient (judged by statusCode/code, never instanceof)', () => {
  it.each([408, 429, 500, 503, 403])('retries status %i', (statusCode) => {
    expect(isTransient({ statusCode })).toBe(true);
  });

  it.each([400, 404, 409, 412])('does not retry status %i', (statusCode) => {
    expect(isTransient({ statusCode })).toBe(false);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'REQUEST_SEND_ERROR', 'DEADLINE_EXCEEDED'])('retries network code %s', (code) => {
    expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(true);
  });

  it('finds the code of a wrapped network error and treats an aborted attempt as transient', () => {
    expect(isTransient(new Error('send failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isTransient(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(true);
  });

  it('never retries a poison message or an unknown error', () => {
    expect(isTransient(new PoisonMessageError('bad', 'm', 1))).toBe(false);
    expect(isTransient(new TypeError('bug'))).toBe(false);
    expect(isTransient('a string')).toBe(false);
  });

  it('describes an error by name, status and code without its stack', () => {
    expect(describeError(Object.assign(new Error('gone'), { name: 'RestError', statusCode: 503, code: 'ServerBusy' }))).toBe('RestError (status 503, ServerBusy): gone');
  });
});

describe('withDeadline', () => {
  it('rejects at the deadline and aborts the signal it handed out', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const error = await withDeadline(40, (s) => ((signal = s), new Promise(() => {}))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(500);
    expect(signal?.aborted).toBe(true);
  });

  it('returns the result of a call that finishes in time', async () => {
    await expect(withDeadline(1_000, async () => 'done')).resolves.toBe('done');
  });

  it('does not leave an unhandled rejection when the call fails after the deadline', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await withDeadline(10, () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30))).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('withRetry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, attemptTimeoutMs: 1_000 };

  it('backs off exponentially with jitter, capped at maxDelayMs', async () => {
    const sleeps: number[] = [];
    const randoms = [0, 0.999, 0.5];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw Object.assign(new Error('busy'), { statusCode: 503 });
        return 'ok';
      },
      policy,
      { sleep: async (ms) => void sleeps.push(ms), random: () => randoms.shift()! },
    );
    expect(result).toBe('ok');
    // ceilings 100, 200, 250 (capped); equal jitter puts each delay in [ceiling/2, ceiling).
    expect(sleeps).toEqual([50, 200, 188]);
  });

  it('stops at a non-transient error without sleeping', async () => {
    const sleep = jest.fn(async () => {});
    const failure = Object.assign(new Error('bad request'), { statusCode: 400 });
    await expect(withRetry(async () => Promise.reject(failure), policy, { sleep })).rejects.toBe(failure);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('bounds each attempt, so a hanging call counts as a transient failure', async () => {
    let calls = 0;
    const result = await withRetry(
      () => (++calls === 1 ? new Promise<string>(() => {}) : Promise.resolve('second try')),
      { ...policy, attemptTimeoutMs: 20 },
      { sleep: async () => {} },
    );
    expect(result).toBe('second try');
  });

  it('keeps the consumer policy well inside the 1-minute queue lock', () => {
    expect(CONSUMER_RETRY_POLICY.maxAttempts).toBeLessThanOrEqual(4);
    expect(worstCaseMs(CONSUMER_RETRY_POLICY)).toBeLessThanOrEqual(16_000);
    expect(backoffCeilingMs(CONSUMER_RETRY_POLICY, 1)).toBe(500);
  });
});
