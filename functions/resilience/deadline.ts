/**
 * A hard time bound on an SDK call. The SDKs' own timeouts are not enough: core-amqp raises any
 * per-try timeout below 60 s to 60 s (docs/functions-runtime.md, 4.3), and a managed-identity token request has no overall
 * deadline (docs/functions-runtime.md, 4.2). The call gets an AbortSignal that fires at the deadline, and the returned
 * promise rejects at that moment even if the SDK ignores the signal in some phase.
 */

export class DeadlineExceededError extends Error {
  /** Judged like a network timeout by `isTransient` (by code, not by class: docs/functions-runtime.md, 1.8). */
  readonly code = 'DEADLINE_EXCEEDED';

  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

export async function withDeadline<T>(timeoutMs: number, work: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const exceeded = new DeadlineExceededError(timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(exceeded);
      reject(exceeded);
    }, timeoutMs);
  });
  try {
    // Inside the try: if `work` throws synchronously, the finally still clears the timer, so the
    // deadline never rejects unobserved later (an unhandled rejection exits the worker: docs/functions-runtime.md, 1.5).
    const call = work(controller.signal);
    // If the deadline wins, the call's later rejection must not become an unhandled rejection either.
    call.catch(() => undefined);
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
