import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

/**
 * A stand-in for the deployed order API on 127.0.0.1 (random port), with the contract of
 * functions/http: POST /api/orders -> 202 { orderId, status, statusUrl } + Location; 401 without the
 * right x-functions-key (empty body, as the Functions host answers); 4xx problem+json for a bad order;
 * an idempotency key required (the `Idempotency-Key` header or the `idempotencyKey` field: 400 without
 * one or when both differ), a retry with the same key and body answered with the same order, the same
 * key with another body 422;
 * GET /api/orders/<id> -> 404 for an id it never accepted; 200 { status: 'pending', stage } with
 * Retry-After until processed, then 200 { orderId, status: 'processed', acceptedAt, processedAt }, or
 * { status: 'failed', failedBy, reason } for an order told to fail. It can be told to be slow, to fail,
 * to hang, never to process, or to leave an order `unconfirmed` until it is resubmitted.
 */

export type PostAnswer =
  | 'accept'
  | 'hang'
  /** A problem+json answer, or with `text` a plain-text body as is. */
  | {
      readonly status: number;
      readonly problem?: Record<string, unknown>;
      readonly text?: string;
      readonly headers?: Record<string, string>;
    };

export interface FakeApiOptions {
  readonly key: string;
  /** Milliseconds before a POST is answered. */
  readonly postDelayMs?: number;
  /**
   * Holds every POST's answer until `open` POSTs are open at once, or `timeoutMs` after the first one
   * (then answers all held): a client that never has that many requests open shows it in
   * `peakOpenPosts`, however slowly a busy machine sends them.
   */
  readonly holdPostsUntilOpen?: { readonly open: number; readonly timeoutMs: number };
  /** What the n-th POST (1-based) gets. @default accept */
  readonly post?: (n: number) => PostAnswer;
  /** Milliseconds after acceptance at which an order counts as processed; null: never. Or per POST n (1-based). */
  readonly processAfterMs?: number | null | ((n: number) => number | null);
  /** For POST n: `failed` ends the order failed instead of processed; `unconfirmed` keeps it so until a resubmission. */
  readonly fate?: (n: number) => 'failed' | 'unconfirmed' | undefined;
}

export interface FakeApi {
  /** e.g. http://127.0.0.1:12345/api */
  readonly baseUrl: string;
  /** `keys`: the Idempotency-Key header of each POST, in order ('' when absent). */
  readonly stats: { posts: number; gets: number; openPosts: number; peakOpenPosts: number; keys: string[] };
  close(): Promise<void>;
}

export async function startFakeApi(options: FakeApiOptions): Promise<FakeApi> {
  const orders = new Map<
    string,
    { acceptedAt: number; processedAt: number | null; after: number | null; fate?: 'failed' | 'unconfirmed' }
  >();
  const byKey = new Map<string, { orderId: string; body: string }>();
  const stats = { posts: 0, gets: 0, openPosts: 0, peakOpenPosts: 0, keys: [] as string[] };
  const held: Array<() => void> = [];
  let holdTimer: NodeJS.Timeout | undefined;
  const releaseHeld = () => {
    clearTimeout(holdTimer);
    holdTimer = undefined;
    for (const answer of held.splice(0)) answer();
  };
  /** Answers a POST after `postDelayMs`, or once the hold (holdPostsUntilOpen) is over. */
  const answerPost = (answer: () => void) => {
    const hold = options.holdPostsUntilOpen;
    if (!hold) return void setTimeout(answer, options.postDelayMs ?? 0);
    held.push(answer);
    holdTimer ??= setTimeout(releaseHeld, hold.timeoutMs);
    if (stats.openPosts >= hold.open) releaseHeld();
  };
  const problem = (res: http.ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
    res.end(JSON.stringify({ type: 'urn:problem:test', status, ...body }));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers['x-functions-key'] !== options.key) {
        res.writeHead(401).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'POST' && url.pathname === '/api/orders') {
        const n = ++stats.posts;
        stats.keys.push(String(req.headers['idempotency-key'] ?? ''));
        stats.openPosts++;
        stats.peakOpenPosts = Math.max(stats.peakOpenPosts, stats.openPosts);
        const answer = options.post?.(n) ?? 'accept';
        if (answer === 'hang') return;
        answerPost(() => {
          stats.openPosts--;
          if (answer !== 'accept' && answer.text !== undefined)
            return void res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.text);
          if (answer !== 'accept') return problem(res, answer.status, answer.problem ?? { title: 'Failed' }, answer.headers);
          let body: { customerId?: unknown; idempotencyKey?: unknown };
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            body = JSON.parse(text);
          } catch {
            return problem(res, 400, { title: 'Malformed JSON' });
          }
          const header = req.headers['idempotency-key'];
          const bodyKey = typeof body.idempotencyKey === 'string' ? body.idempotencyKey : undefined;
          const key = typeof header === 'string' ? header : bodyKey;
          if (typeof body.customerId !== 'string') {
            return problem(res, 400, {
              title: 'Invalid order',
              detail: '1 field(s) are invalid',
              errors: [{ field: 'customerId', message: 'must be a string' }],
            });
          }
          if (key === undefined || (typeof header === 'string' && bodyKey !== undefined && header !== bodyKey)) {
            return problem(res, 400, {
              title: 'Invalid order',
              detail: '1 field(s) are invalid',
              errors: [{ field: 'Idempotency-Key', message: 'is required' }],
            });
          }
          const { idempotencyKey: _, ...order } = body;
          const canonical = JSON.stringify(order);
          const earlier = byKey.get(`${body.customerId}:${key}`);
          if (earlier && earlier.body !== canonical) {
            return problem(res, 422, {
              type: 'urn:problem:orders:idempotency-key-reused',
              title: 'Idempotency key reused',
              errors: [{ field: 'Idempotency-Key', message: 'was used before with a different request' }],
            });
          }
          if (earlier) {
            const order = orders.get(earlier.orderId)!;
            if (order.fate === 'unconfirmed') {
              // The resubmission the status asked for: confirmed now, processed from here.
              const now = Date.now();
              Object.assign(order, { fate: undefined, acceptedAt: now, processedAt: order.after === null ? null : now + order.after });
            }
            const statusUrl = `/api/orders/${earlier.orderId}`;
            res.writeHead(202, { 'content-type': 'application/json', location: statusUrl });
            return void res.end(JSON.stringify({ orderId: earlier.orderId, status: 'accepted', statusUrl }));
          }
          const orderId = randomUUID();
          byKey.set(`${body.customerId}:${key}`, { orderId, body: canonical });
          const now = Date.now();
          const after = typeof options.processAfterMs === 'function' ? options.processAfterMs(n) : options.processAfterMs;
          orders.set(orderId, {
            acceptedAt: now,
            processedAt: after === null ? null : now + (after ?? 0),
            after: after === null ? null : (after ?? 0),
            fate: options.fate?.(n),
          });
          const statusUrl = `/api/orders/${orderId}`;
          res.writeHead(202, { 'content-type': 'application/json', location: statusUrl });
          res.end(JSON.stringify({ orderId, status: 'accepted', statusUrl }));
        });
        return;
      }
      const match = /^\/api\/orders\/([0-9a-f-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && match) {
        stats.gets++;
        const order = orders.get(match[1]);
        if (!order) return problem(res, 404, { type: 'urn:problem:orders:not-found', title: 'Order not found' });
        const acceptedAt = new Date(order.acceptedAt).toISOString();
        const common = { orderId: match[1], acceptedAt, currency: 'EUR', totalMinorUnits: 3399 };
        const done = order.fate !== 'unconfirmed' && order.processedAt !== null && order.processedAt <= Date.now();
        if (!done) {
          res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '1' });
          return void res.end(
            JSON.stringify({
              ...common,
              status: 'pending',
              stage: order.fate === 'unconfirmed' ? 'unconfirmed' : 'accepted',
              detail: 'pending',
            }),
          );
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        const at = new Date(order.processedAt!).toISOString();
        res.end(
          JSON.stringify(
            order.fate === 'failed'
              ? {
                  ...common,
                  status: 'failed',
                  failedAt: at,
                  failedBy: 'dead-letter-queue',
                  reason: 'dead-lettered by Service Bus: MaxDeliveryCountExceeded',
                }
              : { ...common, status: 'processed', processedAt: at },
          ),
        );
        return;
      }
      problem(res, 404, { title: 'No such route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A writable that keeps what is written, for the CLI's stdout and stderr. */
export function captureStream(): Writable & { readonly text: () => string; isTTY?: boolean } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as Writable & { text: () => string; isTTY?: boolean };
  stream.text = () => text;
  stream.isTTY = false;
  return stream;
}
