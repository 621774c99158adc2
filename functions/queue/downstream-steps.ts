import type { AcceptedOrder } from '../orders/order-message';

/**
 * Where a real shop's side effects go, between "order claimed" and "order processed".
 * Each step gets the order id as its idempotency key: a message is delivered at least once, and a
 * delivery that died after a step but before the order was marked processed runs that step again.
 */
export interface StepOptions {
  /** The order id. Pass it to the downstream service so a repeated call has no second effect. */
  readonly idempotencyKey: string;
  readonly abortSignal: AbortSignal;
}

export interface DownstreamSteps {
  reserveInventory(order: AcceptedOrder, options: StepOptions): Promise<void>;
  capturePayment(order: AcceptedOrder, options: StepOptions): Promise<void>;
}

/** The order in which the consumer runs the steps. */
export const DOWNSTREAM_STEP_ORDER = ['reserveInventory', 'capturePayment'] as const satisfies ReadonlyArray<keyof DownstreamSteps>;

/**
 * The default: this shop has no inventory or payment service yet, so both steps do nothing, on
 * purpose. Replace them with clients of the real services; nothing here pretends to call one.
 */
export const NO_DOWNSTREAM_STEPS: DownstreamSteps = {
  async reserveInventory() {},
  async capturePayment() {},
};
