import { EventHeap } from './structures';
import { ORDER_POISON, ORDER_TRANSIENT, type Orders } from './workload';

/**
 * The article's "before" architecture: the same orders sent to a synchronous API on a fixed number of
 * instances of the same SKU, no queue, no autoscale. Each request holds a worker for the whole
 * processing of its order.
 *
 *  - Workers: a fixed number per instance; requests that find them all busy wait in arrival order.
 *    The instances are pooled into one first-come-first-served queue: the load balancer is assumed to
 *    spread perfectly, which flatters this side [I].
 *  - Timeout: the front end gives up after `timeoutS` (230 s on App Service [D], App Service FAQ); the
 *    client sees a failure. Unless `processesAbandonedRequests` is false, the worker still processes the
 *    request when its turn comes [I].
 *  - A transient failure is retried inside the request with the consumer's retry policy, takes as long,
 *    and then fails: there is no queue to deliver it again, so the client gets a 5xx [I]. A poison
 *    order is rejected with a 4xx after validation. Clients do not retry [I].
 */

export interface SyncSideInput {
  readonly orders: Orders;
  readonly spanS: number;
  readonly instances: number;
  readonly workersPerInstance: number;
  readonly timeoutS: number;
  readonly processesAbandonedRequests: boolean;
  /** How long validating a poison order holds a worker. */
  readonly poisonS: number;
}

export interface SyncMinuteRow {
  /** Minutes since the span's start, by arrival. */
  readonly minute: number;
  readonly arrivals: number;
  readonly succeeded: number;
  readonly timedOut: number;
  readonly failedTransient: number;
  readonly rejected: number;
}

export interface SyncSideResult {
  /** Arrival to response for succeeded requests; NaN for the others. */
  readonly latencyS: Float32Array;
  readonly succeeded: number;
  readonly timedOut: number;
  readonly failedTransient: number;
  /** 4xx: poison orders rejected by validation. */
  readonly rejected: number;
  readonly minutes: readonly SyncMinuteRow[];
  readonly instanceSeconds: number;
  readonly workers: number;
}

const { min, max, floor } = Math;

export function simulateSyncSide(input: SyncSideInput): SyncSideResult {
  const { orders, timeoutS } = input;
  const workers = input.instances * input.workersPerInstance;
  // Times at which each worker is next free; FIFO service means request i starts at max(arrival, earliest free).
  const free = new EventHeap();
  for (let w = 0; w < workers; w++) free.push(0, 0);

  const latencyS = new Float32Array(orders.count).fill(NaN);
  const minuteCount = Math.ceil(input.spanS / 60);
  const rows = Array.from({ length: minuteCount }, (_, minute) => ({
    minute,
    arrivals: 0,
    succeeded: 0,
    timedOut: 0,
    failedTransient: 0,
    rejected: 0,
  }));
  let succeeded = 0;
  let timedOut = 0;
  let failedTransient = 0;
  let rejected = 0;

  for (let i = 0; i < orders.count; i++) {
    const arrival = orders.arrivalS[i];
    const row = rows[min(minuteCount - 1, floor(arrival / 60))];
    row.arrivals++;
    const start = max(arrival, free.peekTime());
    if (!input.processesAbandonedRequests && start - arrival >= timeoutS) {
      // The worker sees a request whose client has gone and skips it.
      timedOut++;
      row.timedOut++;
      continue;
    }
    free.pop();
    const kind = orders.kind[i];
    const duration = kind === ORDER_POISON ? input.poisonS : kind === ORDER_TRANSIENT ? orders.failedDeliveryS[i] : orders.processingS[i];
    const end = start + duration;
    free.push(end, 0);
    const latency = end - arrival;
    if (latency > timeoutS) {
      timedOut++;
      row.timedOut++;
    } else if (kind === ORDER_POISON) {
      rejected++;
      row.rejected++;
    } else if (kind === ORDER_TRANSIENT) {
      failedTransient++;
      row.failedTransient++;
    } else {
      succeeded++;
      row.succeeded++;
      latencyS[i] = latency;
    }
  }
  return {
    latencyS,
    succeeded,
    timedOut,
    failedTransient,
    rejected,
    minutes: rows,
    instanceSeconds: input.instances * input.spanS,
    workers,
  };
}
