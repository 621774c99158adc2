import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { ROUTES } from '../../functions/registrations';
import type { OrderRequest } from './orders';
import { Redactor } from './redact';

/**
 * The order API as the load test calls it, over one undici keep-alive pool: POST /orders and GET the
 * status path the API returned. Every answer is classified; nothing throws for an HTTP status or a
 * network error. The function key goes in the `x-functions-key` header only, never in a URL, and is
 * redacted from every answer as soon as it is read: before any cut to a length, since a cut key would
 * no longer match the redactor at the output (issue 7, finding 8).
 */

export type SubmitResult =
  | {
      readonly outcome: 'accepted';
      readonly status: number;
      readonly latencyMs: number;
      readonly orderId: string;
      readonly statusPath: string;
    }
  | { readonly outcome: 'rejected'; readonly status: number; readonly latencyMs: number; readonly problem: string }
  | {
      readonly outcome: 'failed';
      readonly status?: number;
      readonly latencyMs: number;
      readonly reason: string;
      readonly problem?: string;
      readonly retryAfter?: string;
    };

/** What the status endpoint said (functions/orders/order-status.ts): pending keeps polling, the others end it. */
export type StatusResult =
  | { readonly outcome: 'processed'; readonly acceptedAt?: string; readonly processedAt?: string }
  | { readonly outcome: 'pending'; readonly stage?: string; readonly retryAfter?: string }
  | { readonly outcome: 'failed'; readonly failedBy: string; readonly reason: string; readonly failedAt?: string }
  | { readonly outcome: 'error'; readonly status?: number; readonly reason: string; readonly problem?: string };

export interface OrdersApiOptions {
  readonly baseUrl: URL;
  readonly key: string | undefined;
  readonly connections: number;
  readonly requestTimeoutMs: number;
}

export class OrdersApi {
  private readonly pool: Pool;
  private readonly ordersPath: string;
  private readonly redactor: Redactor;

  constructor(private readonly options: OrdersApiOptions) {
    this.redactor = new Redactor([options.key]);
    this.pool = new Pool(options.baseUrl.origin, {
      connections: options.connections,
      pipelining: 1,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
    });
    this.ordersPath = new URL(ROUTES.orders, options.baseUrl).pathname;
  }

  get ordersUrl(): string {
    return `${this.options.baseUrl.origin}${this.ordersPath}`;
  }

  /** POST /orders with the order's key in the `Idempotency-Key` header (the API requires one). */
  async submit(order: OrderRequest): Promise<SubmitResult> {
    const started = performance.now();
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: this.ordersPath,
        headers: { ...this.headers(), 'content-type': 'application/json', 'idempotency-key': order.idempotencyKey },
        body: order.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = this.redactor.redact(await response.body.text());
      const latencyMs = performance.now() - started;
      const status = response.statusCode;
      if (status === 202) {
        const parsed = parseJson(text) as { orderId?: unknown; statusUrl?: unknown } | undefined;
        const location = header(response.headers, 'location');
        const statusUrl = typeof parsed?.statusUrl === 'string' ? parsed.statusUrl : location;
        const statusPath = statusUrl ? this.pathOf(statusUrl) : undefined;
        if (typeof parsed?.orderId === 'string' && statusPath) {
          return { outcome: 'accepted', status, latencyMs, orderId: parsed.orderId, statusPath };
        }
        if (statusUrl && !statusPath)
          return { outcome: 'failed', status, latencyMs, reason: 'status URL on another origin (not followed with the key)' };
        return { outcome: 'failed', status, latencyMs, reason: '202 without orderId and statusUrl', problem: text.slice(0, 300) };
      }
      if (status >= 400 && status < 500) return { outcome: 'rejected', status, latencyMs, problem: describeProblem(text) };
      return {
        outcome: 'failed',
        status,
        latencyMs,
        reason: String(status),
        problem: describeProblem(text),
        retryAfter: this.redactHeader(header(response.headers, 'retry-after')),
      };
    } catch (error) {
      return { outcome: 'failed', latencyMs: performance.now() - started, reason: networkReason(error) };
    }
  }

  async status(statusPath: string): Promise<StatusResult> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: statusPath,
        headers: this.headers(),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = this.redactor.redact(await response.body.text());
      if (response.statusCode === 200) {
        const parsed = parseJson(text) as Record<string, unknown> | undefined;
        const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
        if (parsed?.status === 'processed')
          return { outcome: 'processed', acceptedAt: str(parsed.acceptedAt), processedAt: str(parsed.processedAt) };
        if (parsed?.status === 'failed')
          return {
            outcome: 'failed',
            failedBy: str(parsed.failedBy) ?? 'unknown',
            reason: str(parsed.reason) ?? '(no reason)',
            failedAt: str(parsed.failedAt),
          };
        if (parsed?.status === 'pending')
          return { outcome: 'pending', stage: str(parsed.stage), retryAfter: this.redactHeader(header(response.headers, 'retry-after')) };
        return { outcome: 'error', status: 200, reason: 'unknown order status', problem: text.slice(0, 200) };
      }
      // 404 only for an id the API never accepted: after a 202 that is a fault, not a wait.
      return { outcome: 'error', status: response.statusCode, reason: String(response.statusCode), problem: describeProblem(text) };
    } catch (error) {
      return { outcome: 'error', reason: networkReason(error) };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private redactHeader(value: string | undefined): string | undefined {
    return value === undefined ? undefined : this.redactor.redact(value);
  }

  private headers(): Record<string, string> {
    return this.options.key ? { 'x-functions-key': this.options.key, accept: 'application/json' } : { accept: 'application/json' };
  }

  /** The API returns `/api/orders/<id>`; an absolute URL must be on the same origin (the key goes with it). */
  private pathOf(statusUrl: string): string | undefined {
    const url = new URL(statusUrl, this.options.baseUrl);
    return url.origin === this.options.baseUrl.origin ? `${url.pathname}${url.search}` : undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** "title: detail (field: message; ...)" from an application/problem+json body, else the start of the text. */
export function describeProblem(text: string): string {
  const p = parseJson(text) as { title?: unknown; detail?: unknown; errors?: unknown } | undefined;
  if (p && typeof p === 'object' && (typeof p.title === 'string' || typeof p.detail === 'string')) {
    const errors = Array.isArray(p.errors)
      ? p.errors.map((e: { field?: unknown; message?: unknown }) => `${String(e?.field)}: ${String(e?.message)}`).join('; ')
      : '';
    return `${[p.title, p.detail].filter((s) => typeof s === 'string').join(': ')}${errors ? ` (${errors})` : ''}`;
  }
  return text.trim().slice(0, 200) || '(empty body)';
}

function networkReason(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return e?.code ?? e?.cause?.code ?? e?.name ?? 'network error';
}
