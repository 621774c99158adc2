import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

/**
 * Order bodies for the load test: the template (functions/samples/order.json by default) with a unique
 * idempotencyKey per order, so each POST is a new order (the API derives the order id from customer
 * and key, and Service Bus drops a repeated id).
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
    throw new Error(`--body ${file}: cannot read a JSON order (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`--body ${file}: expected a JSON object (an order)`);
  return { template: parsed as Record<string, unknown>, runId: `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}` };
}

/** The body of order `index` of this run. */
export function orderBody(t: OrderTemplate, index: number | string): string {
  return JSON.stringify({ ...t.template, idempotencyKey: `loadtest-${t.runId}-${index}` });
}
