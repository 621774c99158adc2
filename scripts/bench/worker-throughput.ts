import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppSetting } from '../../functions/app-settings';
import type { AppRole } from '../../functions/apps';
import { buildAcceptedOrder } from '../../functions/orders/order-message';
import { parseOrderRequest } from '../../functions/orders/order-request';
import { FUNCTION_NAMES } from '../../functions/registrations';
import { FunctionsHost, httpResponseOf, unpackZip, type InvocationReply } from '../harness/functions-host';
import { isLoopbackHost } from '../harness/loopback';
import { startLocalAzure, type LocalAzure } from '../harness/local-azure';

/**
 * How much of one vCPU a built package needs per invocation: the zip is loaded by the worker stand-in
 * (scripts/harness/functions-host) in its own process, driven with `count` invocations at a fixed
 * concurrency against the loopback services of local-azure.ts, and the worker process's own CPU
 * time (process.cpuUsage inside it) is read before and after. The first `warmUp` invocations (first
 * token, TLS handshakes, JIT) are outside the measured window.
 */

export interface ThroughputRun {
  readonly invocations: number;
  readonly concurrency: number;
  readonly wallMs: number;
  /** User + system CPU time of the worker process over the measured invocations. */
  readonly cpuMs: number;
  readonly cpuMsPerInvocation: number;
  /** Invocations per second of wall time on this machine (the services share its cores). */
  readonly perSecond: number;
  readonly workerPeakRssMb: number;
  /**
   * CPU ms per GET /api/health in the same worker at the same concurrency: the stand-in's IPC, the
   * programming model and a handler without I/O. The part of cpuMsPerInvocation that is plumbing
   * around any invocation rather than the order's own work (the real worker has gRPC there instead).
   */
  readonly floorCpuMsPerInvocation: number;
}

export interface ThroughputOptions {
  readonly zipPath: string;
  readonly count: number;
  readonly warmUp: number;
}

const SAMPLE_ORDER = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'functions', 'samples', 'order.json'), 'utf8'));

/** The sample order (functions/samples/order.json) with an idempotency key of its own. */
function sampleOrderBody(key: string): Record<string, unknown> {
  return { ...SAMPLE_ORDER, idempotencyKey: `bench-${key}` };
}

/** `extensions.serviceBus.maxConcurrentCalls` of the package's host.json, or the extension's default (16 x processors). */
export function maxConcurrentCalls(appDir: string): { value: number; source: string } {
  const hostJson = JSON.parse(fs.readFileSync(path.join(appDir, 'host.json'), 'utf8'));
  const value = hostJson?.extensions?.serviceBus?.maxConcurrentCalls;
  if (typeof value === 'number' && value > 0) return { value, source: "extensions.serviceBus.maxConcurrentCalls of the zip's host.json" };
  return {
    value: 16 * os.cpus().length,
    source: `the Service Bus extension's default, 16 x ${os.cpus().length} processors (not set in host.json)`,
  };
}

async function withApp<T>(
  role: AppRole,
  zipPath: string,
  body: (host: FunctionsHost, local: LocalAzure, appDir: string) => Promise<T>,
): Promise<T> {
  const app = unpackZip(zipPath);
  let local: LocalAzure | undefined;
  let host: FunctionsHost | undefined;
  try {
    local = await startLocalAzure(role);
    host = await FunctionsHost.start(app.dir, local.env);
    if (host.startup.loadError || host.startup.appStartErrors.length > 0) {
      throw new Error(`the ${role} package did not start: ${host.startup.loadError ?? host.startup.appStartErrors.join('\n')}`);
    }
    return await body(host, local, app.dir);
  } finally {
    if (host) await host.terminate().catch(() => host?.kill());
    await local?.close();
    app.remove();
  }
}

/** Calls `invoke(from..to-1)`, `concurrency` at a time. */
async function pool(from: number, to: number, concurrency: number, invoke: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  const lane = async () => {
    while (next < to) await invoke(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, to - from) }, lane));
}

/** Wall time and the worker's CPU time of `invoke(from..to-1)`. */
async function timed(
  host: FunctionsHost,
  from: number,
  to: number,
  concurrency: number,
  invoke: (i: number) => Promise<void>,
): Promise<{ wallMs: number; cpuMs: number; maxRssKb: number }> {
  const before = await host.usage();
  const started = process.hrtime.bigint();
  await pool(from, to, concurrency, invoke);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await host.usage();
  return {
    wallMs,
    cpuMs: (after.userMicros - before.userMicros + after.systemMicros - before.systemMicros) / 1000,
    maxRssKb: after.maxRssKb,
  };
}

/** Invocations of the health endpoint for the floor figure. */
const FLOOR_INVOCATIONS = 1_000;

/**
 * Runs `invoke(0..warmUp-1)` unmeasured, then `invoke(warmUp..warmUp+count-1)` measured, `concurrency`
 * at a time; then the floor: GET /api/health at the same concurrency.
 */
async function measure(
  host: FunctionsHost,
  options: ThroughputOptions,
  concurrency: number,
  invoke: (i: number) => Promise<void>,
): Promise<ThroughputRun> {
  await pool(0, options.warmUp, concurrency, invoke);
  const run = await timed(host, options.warmUp, options.warmUp + options.count, concurrency, invoke);
  const health = async () => {
    const response = httpResponseOf(await host.invokeHttp(FUNCTION_NAMES.health, { method: 'GET', path: '/api/health' }));
    if (response.status !== 200) throw new Error(`/api/health answered ${response.status}: ${JSON.stringify(response.body)}`);
  };
  await pool(0, FLOOR_INVOCATIONS / 10, concurrency, health);
  const floor = await timed(host, 0, FLOOR_INVOCATIONS, concurrency, health);
  return {
    invocations: options.count,
    concurrency,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    cpuMsPerInvocation: run.cpuMs / options.count,
    perSecond: (options.count * 1000) / run.wallMs,
    workerPeakRssMb: run.maxRssKb / 1024,
    floorCpuMsPerInvocation: floor.cpuMs / FLOOR_INVOCATIONS,
  };
}

function checkLoopbackOnly(reply: InvocationReply): void {
  const outside = reply.connections.filter((c) => !c.allowed || !isLoopbackHost(c.host));
  if (outside.length > 0) throw new Error(`the package tried to leave loopback: ${JSON.stringify(outside)}`);
}

/**
 * The order processor's `processOrder` on valid accepted orders, each a new order id: claim in the
 * orders table, the downstream steps (none configured: they do nothing), mark processed. Concurrency
 * is the package's maxConcurrentCalls, what one instance runs at once. Afterwards every order must be
 * recorded as processed, or the run fails.
 */
export async function measureProcessor(options: ThroughputOptions): Promise<ThroughputRun & { concurrencySource: string }> {
  return withApp('orderProcessor', options.zipPath, async (host, local, appDir) => {
    const concurrency = maxConcurrentCalls(appDir);
    const parsed = parseOrderRequest(sampleOrderBody('processor'));
    if (!parsed.ok) throw new Error('functions/samples/order.json is not a valid order');
    const acceptedAt = new Date();
    const run = await measure(host, options, concurrency.value, async (i) => {
      const order = buildAcceptedOrder(parsed.order, randomUUID(), acceptedAt);
      const reply = await host.invokeServiceBus(FUNCTION_NAMES.processOrder, JSON.stringify(order), {
        messageId: order.orderId,
        deliveryCount: 1,
      });
      if (reply.error) throw new Error(`order ${i} failed: ${reply.error.name}: ${reply.error.message}\n${reply.logs.join('\n')}`);
      checkLoopbackOnly(reply);
    });
    const processed = await countProcessed(local);
    const invoked = options.warmUp + options.count;
    if (processed !== invoked) throw new Error(`${invoked} orders invoked, ${processed} recorded as processed`);
    return { ...run, concurrencySource: concurrency.source };
  });
}

/** Entities with status `processed` in the orders table (`ORDERS_TABLE_NAME`). */
async function countProcessed(local: LocalAzure): Promise<number> {
  let processed = 0;
  const table = local.tableClient(local.tables[AppSetting.tableName]);
  for await (const entity of table.listEntities({ queryOptions: { filter: "status eq 'processed'", select: ['status'] } })) {
    if (entity.status === 'processed') processed++;
  }
  return processed;
}

/** Requests the bench keeps in flight against the API: the host sets no HTTP limit on Dedicated plans; 16 as the processor's default. */
export const API_CONCURRENCY = 16;

/**
 * The order API's `submitOrder` on valid POST /api/orders bodies, each with its own idempotency key:
 * body read, validation, the accepted message, the Service Bus send to the AMQP stand-in (token on
 * $cbs, transfer, accepted disposition) and the 202 response. Every request must answer 202, and the
 * stand-in must have accepted every message, or the run fails.
 */
export async function measureApi(options: ThroughputOptions): Promise<ThroughputRun> {
  return withApp('orderApi', options.zipPath, async (host, local) => {
    const run = await measure(host, options, API_CONCURRENCY, async (i) => {
      const reply = await host.invokeHttp(FUNCTION_NAMES.submitOrder, {
        method: 'POST',
        path: '/api/orders',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleOrderBody(String(i))),
      });
      const response = httpResponseOf(reply);
      if (response.status !== 202)
        throw new Error(`request ${i} answered ${response.status}: ${JSON.stringify(response.body)}\n${reply.logs.join('\n')}`);
      checkLoopbackOnly(reply);
    });
    const sent = local.serviceBus.accepted(local.queueName);
    const expected = options.warmUp + options.count;
    if (sent !== expected) throw new Error(`${expected} requests answered 202, the Service Bus stand-in accepted ${sent} messages`);
    return run;
  });
}
