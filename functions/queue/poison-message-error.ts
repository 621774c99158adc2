/**
 * An order message that can never be processed (invalid payload, total mismatch).
 *
 * Dead-letter route (no preview SDK binding, docs/functions-runtime.md, 2.5 option A is out): the consumer logs the reason
 * and throws this error. The host abandons the message, Service Bus redelivers it until the queue's
 * max delivery count, then moves it to the queue's dead-letter queue with DeadLetterReason
 * `MaxDeliveryCountExceeded`. Nothing is completed or lost; `npm run dlq -- <env>` lists it with the
 * validation reason recomputed, and can replay it once the cause is fixed.
 */
export class PoisonMessageError extends Error {
  /** Never retried inside the invocation (`isTransient` is false for it). */
  readonly code = 'POISON_MESSAGE';
  readonly retryable = false;

  constructor(
    readonly reason: string,
    readonly messageId: string | undefined,
    readonly deliveryCount: number | undefined,
  ) {
    super(`order message ${messageId ?? '(no id)'} can never be processed: ${reason}`);
    this.name = 'PoisonMessageError';
  }
}
