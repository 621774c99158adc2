import { simulateSyncSide } from '../../scripts/simulation/before';
import { ORDER_NORMAL, ORDER_POISON, ORDER_TRANSIENT } from '../../scripts/simulation/workload';
import { handMadeOrders } from './fixtures';

/** 20 requests of 4 s each, one per second from t = 1, and any extra ones. */
const burst = (extra: Parameters<typeof handMadeOrders>[0] = []) =>
  handMadeOrders([...Array.from({ length: 20 }, (_, i) => ({ at: i + 1, kind: ORDER_NORMAL, processingS: 4 })), ...extra]);

/** The synchronous "before" side: fixed workers, first come first served, a front-end timeout. */

it('times requests out once the wait plus processing exceeds the timeout, processing them anyway', () => {
  // 1 instance x 2 workers, 4 s per request, one request per second from t = 1: capacity 0.5/s.
  // Request 2j-1 starts at 4j-3 and request 2j at 4j-2 (each worker frees every 4 s), so both end
  // 2j + 2 s after they arrived: 4, 4, 6, 6, 8, 8, 10, 10, 12, ... With a 10 s timeout the first 8
  // succeed and the other 12 of 20 time out; the workers still run them, so the wait keeps growing.
  const result = simulateSyncSide({
    orders: burst(),
    spanS: 60,
    instances: 1,
    workersPerInstance: 2,
    timeoutS: 10,
    processesAbandonedRequests: true,
    poisonS: 0.005,
  });

  expect({ succeeded: result.succeeded, timedOut: result.timedOut }).toEqual({ succeeded: 8, timedOut: 12 });
  expect(Array.from(result.latencyS.subarray(0, 10))).toEqual([4, 4, 6, 6, 8, 8, 10, 10, NaN, NaN]);
  expect(result.minutes[0]).toMatchObject({ arrivals: 20, succeeded: 8, timedOut: 12 });
});

it('recovers right after a burst when workers skip requests whose client is gone', () => {
  // The same 20 requests, then one more at t = 30.
  // Processing every request: the workers are busy until 41 and 42 (requests 19 and 20 start at 37 and
  // 38), so the request at 30 starts at 41: 15 s > 10 s, a timeout. 8 succeed, 13 time out.
  // Skipping requests that waited 10 s or more (11, 14, 15, 18, 19 are skipped), the workers are free at
  // 30 and 33, so the request at 30 starts at once and takes 4 s: 9 succeed, 12 time out.
  const orders = burst([{ at: 30, kind: ORDER_NORMAL, processingS: 4 }]);
  const run = (processesAbandonedRequests: boolean) =>
    simulateSyncSide({ orders, spanS: 60, instances: 1, workersPerInstance: 2, timeoutS: 10, processesAbandonedRequests, poisonS: 0.005 });
  expect([run(true).succeeded, run(true).timedOut]).toEqual([8, 13]);
  expect([run(false).succeeded, run(false).timedOut]).toEqual([9, 12]);
  expect(run(false).latencyS[20]).toBe(4);
});

it('answers a poison order with a 4xx and fails a transient one with a 5xx (no queue to retry it)', () => {
  // 1 worker: the normal order takes 1 s (1-2), the transient one 5 s of retries (2-7) and then fails,
  // the poison one is rejected after 5 ms of validation (7-7.005).
  const orders = handMadeOrders([
    { at: 1, kind: ORDER_NORMAL, processingS: 1 },
    { at: 2, kind: ORDER_TRANSIENT, processingS: 1, failedDeliveryS: 5 },
    { at: 3, kind: ORDER_POISON, processingS: 1 },
  ]);
  const result = simulateSyncSide({
    orders,
    spanS: 60,
    instances: 1,
    workersPerInstance: 1,
    timeoutS: 230,
    processesAbandonedRequests: true,
    poisonS: 0.005,
  });
  expect({
    succeeded: result.succeeded,
    failedTransient: result.failedTransient,
    rejected: result.rejected,
    timedOut: result.timedOut,
  }).toEqual({
    succeeded: 1,
    failedTransient: 1,
    rejected: 1,
    timedOut: 0,
  });
});
