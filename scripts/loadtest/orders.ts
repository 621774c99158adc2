import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

/**
 * Order requests for the load test: the template (functions/samples/order.json by default) without
 * its own idempotencyKey, and a unique key per order for the `Idempotency-Key` header, so each POST
 * is a new order (the API derives the order id from customer and key) and a retry of one POST, with
 * the same key, stays that order.
 */
export interface OrderTemplate {
  readonly template: Record<string, unknown>;
  /** Run id in every key, so two runs never collide. */
  readonly runId: string;
}

export function loadOrderTemplate(file: string): OrderTemplate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`--body ${file}: cannot read a JSON order (${(error as Error).message})`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`--body ${file}: expected a JSON object (an order)`);
  return {
    template: parsed as Record<string, unknown>,
    runId: `${new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 14)}-${randomUUID().slice(0, 8)}`,
  };
}

export interface OrderRequest {
  readonly body: string;
  /** For the `Idempotency-Key` header. */
  readonly idempotencyKey: string;
}

/** The request of order `index` of this run. */
export function orderRequest(t: OrderTemplate, index: number | string): OrderRequest {
  const { idempotencyKey: _, ...order } = t.template;
  return { body: JSON.stringify(order), idempotencyKey: `loadtest-${t.runId}-${index}` };
}
