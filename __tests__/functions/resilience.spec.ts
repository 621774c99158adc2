import { DeadlineExceededError, withDeadline } from '../../functions/resilience/deadline';
import { CLAIM_LEASE_MARGIN_MS, CLAIM_LEASE_MS } from '../../functions/queue/order-claim';
import {
  CONSUMER_RETRY_BUDGET_MS,
  CONSUMER_RETRY_POLICY,
  RetryBudgetExhaustedError,
  backoffCeilingMs,
  withRetry,
  worstCaseMs,
} from '../../functions/resilience/retry-policy';
import { durationSeconds } from '../../lib/config/durations';
import { environments } from '../../lib/config/environments';
import { MIN_LOCK_DURATION } from '../../lib/config/sections/queue';
import { describeError, isTransient } from '../../functions/resilience/transient-errors';
import { PoisonMessageError } from '../../functions/queue/poison-message-error';

describe('isTransient (judged by statusCode/code, never instanceof)', () => {
  it.each([408, 429, 500, 503, 403])('retries status %i', (statusCode) => {
    expect(isTransient({ statusCode })).toBe(true);
  });

  it.each([400, 404, 409, 412])('does not retry status %i', (statusCode) => {
    expect(isTransient({ statusCode })).toBe(false);
  });

  it.each([
    'ECONNRESET',
    'ETIMEDOUT',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'REQUEST_SEND_ERROR',
    'DEADLINE_EXCEEDED',
  ])('retries network code %s', (code) => {
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

  it.each(['ENOENT', 'ERR_INVALID_ARG_TYPE', 'RETRY_BUDGET_EXHAUSTED'])(
    'does not retry an error whose code %s is not a network failure',
    (code) => {
      expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(false);
    },
  );

  it('looks through at most five errors (the error and four causes), and ends on a null or circular cause', () => {
    const wrapped = (depth: number): unknown => (depth === 0 ? { code: 'ECONNRESET' } : { name: 'Error', cause: wrapped(depth - 1) });
    expect(isTransient(wrapped(4))).toBe(true);
    expect(isTransient(wrapped(5))).toBe(false);
    expect(isTransient({ name: 'Error', cause: null })).toBe(false);
    const circular: { name: string; cause?: unknown } = { name: 'Error' };
    circular.cause = circular;
    expect(isTransient(circular)).toBe(false);
  });

  it('names our own failures by code: a deadline is retried, a used-up budget is not', () => {
    expect(new DeadlineExceededError(10)).toMatchObject({ name: 'DeadlineExceededError', code: 'DEADLINE_EXCEEDED', timeoutMs: 10 });
    expect(new RetryBudgetExhaustedError()).toMatchObject({ name: 'RetryBudgetExhaustedError', code: 'RETRY_BUDGET_EXHAUSTED' });
    expect(isTransient(new DeadlineExceededError(10))).toBe(true);
    expect(isTransient(new RetryBudgetExhaustedError())).toBe(false);
  });

  it('describes an error by name, status and code without its stack', () => {
    expect(describeError(Object.assign(new Error('gone'), { name: 'RestError', statusCode: 503, code: 'ServerBusy' }))).toBe(
      'RestError (status 503, ServerBusy): gone',
    );
  });

  it('describes only what the error has, and anything thrown that is not an object', () => {
    expect(describeError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('Error (ECONNRESET): reset');
    expect(describeError({ statusCode: 404, code: 404 })).toBe('Error (status 404): ');
    expect(describeError(new TypeError('bug'))).toBe('TypeError: bug');
    expect(describeError(null)).toBe('null');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError('a string')).toBe('a string');
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

  it('leaves no pending deadline behind when the call throws synchronously (e.g. a non-async downstream step)', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const error = await withDeadline(10, () => {
        throw new Error('thrown before any promise');
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ message: 'thrown before any promise' });
      await new Promise((resolve) => setTimeout(resolve, 40));
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

  it('without a shared budget, gives each attempt its whole timeout', async () => {
    const result = await withRetry(() => new Promise<string>((resolve) => setTimeout(() => resolve('slow but in time'), 30)), {
      ...policy,
      maxAttempts: 1,
    });
    expect(result).toBe('slow but in time');
  });

  it('gives up when the backoff would use up exactly what is left of the budget', async () => {
    const failure = Object.assign(new Error('busy'), { statusCode: 503 });
    const operation = jest.fn(async () => Promise.reject(failure));
    // random 0: the first backoff is half its 100 ms ceiling, 50 ms, all that is left.
    const error = await withRetry(operation, policy, { sleep: async () => {}, random: () => 0, now: () => 0, budgetEndsAt: 50 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(failure);
    expect(operation).toHaveBeenCalledTimes(1);
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

  it('gives up when the backoff would run past the shared budget, with the real cause', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const failure = Object.assign(new Error('busy'), { statusCode: 503 });
    const error = await withRetry(async () => Promise.reject(failure), policy, {
      sleep: async (ms) => void (sleeps.push(ms), (clock += ms)),
      random: () => 0.5,
      now: () => clock,
      budgetEndsAt: 200,
    }).catch((e: unknown) => e);
    // The delays would be 75, 150, 188 ms: 75 fits in 200, 75 + 150 does not.
    expect(error).toBe(failure);
    expect(sleeps).toEqual([75]);
  });

  it('starts no attempt once the budget is used up, and cuts an attempt to what is left', async () => {
    const operation = jest.fn(async () => 'never');
    await expect(withRetry(operation, policy, { now: () => 1_000, budgetEndsAt: 1_000 })).rejects.toBeInstanceOf(RetryBudgetExhaustedError);
    expect(operation).not.toHaveBeenCalled();

    const started = Date.now();
    const hanging = withRetry(
      () => new Promise<string>(() => {}),
      { ...policy, maxAttempts: 1, attemptTimeoutMs: 10_000 },
      { budgetEndsAt: started + 50 },
    );
    await expect(hanging).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('keeps every message within half the queue lock of every environment, retries of all steps together', () => {
    // Without the shared budget, 4 steps x 15.5 s could take 62 s: past a 1-minute lock.
    expect(worstCaseMs(CONSUMER_RETRY_POLICY)).toBeLessThanOrEqual(CONSUMER_RETRY_BUDGET_MS);
    expect(backoffCeilingMs(CONSUMER_RETRY_POLICY, 1)).toBe(500);
    // 4 attempts x 3 s, plus the backoffs before attempts 2 to 4 (0.5 + 1 + 2 s).
    expect(worstCaseMs(CONSUMER_RETRY_POLICY)).toBe(15_500);
    // Ceilings 100, 200, then capped at 250: 4 x 1 s + 550 ms.
    expect(worstCaseMs(policy)).toBe(4_550);
    expect(worstCaseMs({ ...policy, maxAttempts: 1 })).toBe(1_000);
    const lockTooShort = environments
      .filter((environment) => CONSUMER_RETRY_BUDGET_MS > isoDurationMs(environment.queue.lockDuration) / 2)
      .map((environment) => `${environment.name}: lockDuration ${environment.queue.lockDuration}`);
    expect(lockTooShort).toEqual([]);
  });

  it("holds a claim longer than its owner can run and shorter than every environment's queue lock", () => {
    // Longer than the budget: a claim is never taken from a live owner. Shorter than the lock: when an
    // owner dies, its message comes back after the lock to a claim that has expired already.
    expect(CLAIM_LEASE_MS).toBe(CONSUMER_RETRY_BUDGET_MS + CLAIM_LEASE_MARGIN_MS);
    expect(CLAIM_LEASE_MARGIN_MS).toBeGreaterThan(0);
    const lockTooShort = environments
      .filter((environment) => CLAIM_LEASE_MS >= isoDurationMs(environment.queue.lockDuration))
      .map((environment) => `${environment.name}: lockDuration ${environment.queue.lockDuration}`);
    expect(lockTooShort).toEqual([]);
    // And for every lock the configuration check allows.
    expect(CLAIM_LEASE_MS).toBeLessThan(isoDurationMs(MIN_LOCK_DURATION));
    expect(2 * CONSUMER_RETRY_BUDGET_MS).toBeLessThanOrEqual(isoDurationMs(MIN_LOCK_DURATION));
  });
});

/** A queue lock (`PT1M`) in milliseconds, read with the parser validation uses. */
function isoDurationMs(value: string): number {
  const seconds = durationSeconds(value);
  if (seconds === undefined) throw new Error(`unsupported duration ${value}`);
  return seconds * 1000;
}
