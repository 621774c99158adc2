import { setTimeout as sleepFor } from 'node:timers/promises';
import { withDeadline } from './deadline';
import { isTransient } from './transient-errors';

/**
 * Retries transient failures inside one invocation, with exponential backoff and jitter.
 * Why here and not by throwing: when a queue-triggered function throws, the host abandons the message
 * and Service Bus redelivers it at once, with no backoff (docs/functions-runtime.md, 2.3), so a 10-second Table outage
 * would use up the queue's delivery count and dead-letter good orders within seconds.
 */

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the second attempt; doubles for each further attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Bound on each attempt (SDK calls have no overall deadline of their own). */
  readonly attemptTimeoutMs: number;
}

/** Worst case 4 x 3 s attempts + 0.5 + 1 + 2 s backoff = 15.5 s per step. */
export const CONSUMER_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000, attemptTimeoutMs: 3_000 };

/**
 * What all retried steps of one message may take together: half the queue's 1-minute lock. Four steps
 * at 15.5 s each could otherwise take 62 s, past the lock; this keeps the invocation well inside it
 * even if the host's lock renewal fails. A test checks it against every environment's lockDuration.
 */
export const CONSUMER_RETRY_BUDGET_MS = 30_000;

/** The shared time budget ended before an attempt could start. */
export class RetryBudgetExhaustedError extends Error {
  readonly code = 'RETRY_BUDGET_EXHAUSTED';

  constructor() {
    super('the time budget for retries is used up');
    this.name = 'RetryBudgetExhaustedError';
  }
}

export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface RetryOptions {
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** Returns a number in [0, 1); injectable so tests see exact delays. */
  readonly random?: () => number;
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * When the time budget shared by several `withRetry` calls ends (ms, as `now` counts). No attempt
   * starts and no backoff is slept past it, and each attempt's bound is cut to what is left.
   */
  readonly budgetEndsAt?: number;
  readonly now?: () => number;
}

/** Upper bound of the backoff before attempt `attempt + 1`. */
export function backoffCeilingMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/** Worst-case time `withRetry` can take under `policy`. */
export function worstCaseMs(policy: RetryPolicy): number {
  let total = policy.maxAttempts * policy.attemptTimeoutMs;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) total += backoffCeilingMs(policy, attempt);
  return total;
}

export async function withRetry<T>(
  operation: (abortSignal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const remainingMs = () => (options.budgetEndsAt === undefined ? Infinity : options.budgetEndsAt - now());
  for (let attempt = 1; ; attempt++) {
    const timeoutMs = Math.min(policy.attemptTimeoutMs, remainingMs());
    if (timeoutMs <= 0) throw new RetryBudgetExhaustedError();
    try {
      return await withDeadline(timeoutMs, operation);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isTransient(error)) throw error;
      // "Equal jitter": half the ceiling for sure, half at random, so retries of many messages spread out.
      const ceiling = backoffCeilingMs(policy, attempt);
      const delayMs = Math.round(ceiling / 2 + random() * (ceiling / 2));
      // No time left for an attempt after the backoff: give up now with the real cause.
      if (delayMs >= remainingMs()) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
