import { DEFAULT_MODEL } from '../../scripts/simulation/assumptions';
import { cpuSharePerRunningInvocation, simulateQueueSide, slotsPerInstance } from '../../scripts/simulation/queue-consumer';
import { generateOrders, ORDER_NORMAL, ORDER_POISON, ORDER_TRANSIENT } from '../../scripts/simulation/workload';
import { elasticApp, handMadeOrders, ORIGIN_MS, profile, rule, stepWorkload, syntheticStack, testModel } from './fixtures';

/**
 * The queue side end to end (orders -> queue -> consumer -> metrics -> autoscale -> instances) on
 * small stacks whose behaviour can be worked out by hand: evenly spaced arrivals and a fixed
 * processing time (median = p99).
 */

/** Instances become ready 60 s after the decision (30 s allocation + 30 s host start, no package load); runs every `interval` s, metrics 180 s late. */
const timings = (interval: number) =>
  testModel({
    autoscale: { evaluationIntervalS: interval, metricDelayS: 180 },
    instances: { allocationS: 30, hostStartS: 30, packageLoadMs: 0 },
  });

it('caps slots per instance by the measured CPU per order once processing is fast, not at the default processing time', () => {
  // P1v3: 2 vCPU. Defaults: 1.9 ms CPU per order over a 209 ms mean is 0.009 of a vCPU, below the
  // assumed 0.05, so 2 / 0.05 = 40 slots would fit and maxConcurrentCalls (16) binds.
  const stack = syntheticStack({ maxConcurrentCalls: 16, profiles: [profile({ rules: [] })] });
  expect(DEFAULT_MODEL.consumer.cpuMsPerOrder).toBeGreaterThan(0);
  expect(cpuSharePerRunningInvocation(DEFAULT_MODEL, 0.209)).toBe(DEFAULT_MODEL.consumer.cpuSharePerInvocation);
  expect(slotsPerInstance(stack, DEFAULT_MODEL, 0.209)).toBe(16);
  // 2 ms of CPU per order over a 10 ms mean: each running invocation holds 0.2 of a vCPU, so 2 vCPU
  // serve 10 at once: 10 / 0.01 s = 1,000 orders/s, i.e. 500 per vCPU = 1000 / 2 ms.
  const model = testModel({ consumer: { cpuMsPerOrder: 2 } });
  expect(cpuSharePerRunningInvocation(model, 0.01)).toBeCloseTo(0.2);
  expect(slotsPerInstance(stack, model, 0.01)).toBe(10);
});

it('never scales under a constant load below capacity', () => {
  // 2 instances x 16 slots / 0.2 s = 160 orders/s of capacity against 50/s: about 50 x 0.2 = 10 orders
  // in flight, 10 / 2 = 5 per instance, far below the scale-out threshold of 100 per instance. The
  // in-rule (< 50 per instance) fires, but 2 is the minimum.
  const stack = syntheticStack({
    maxConcurrentCalls: 16,
    profiles: [
      profile({
        minimum: 2,
        default: 2,
        rules: [rule({ threshold: 100 }, {}), rule({ operator: 'LessThan', threshold: 50 }, { direction: 'Decrease' })],
      }),
    ],
  });
  const workload = stepWorkload({ baseline: 50, multiplier: 1, stepAtS: 600, holdS: 600, processingMs: 200 });
  const spanS = 2 * 3600;
  const orders = generateOrders(workload, { seed: 1, originMs: ORIGIN_MS, spanS });
  const result = simulateQueueSide({ stack, model: timings(60), orders, originMs: ORIGIN_MS, spanS });

  expect(result.decisions).toEqual([]);
  expect(result.processed).toBe(orders.count - result.unfinished);
  expect(Math.max(...result.activeMessages)).toBeLessThanOrEqual(11);
});

it('scales out first after the window fills, the metric delay and the next run, then once per cooldown', () => {
  // 1 slot of 1 s per instance = 1 order/s each. 0.5/s until second 600, then a step to 3/s.
  // Out-rule: ActiveMessages, grain 60 s, Average over 5 grains, > 100 per instance, +1, cooldown 300 s.
  // Runs every 45 s (so the next run after a threshold is visible shows up), metrics 180 s late.
  //
  // After the step, e seconds in: 3e arrivals, e - 1 completions, so 2e + 1 active messages. Grain k
  // (seconds 600 + 60k ...) averages e = 60k + 30.5: 120k + 62 -> 62, 182, 302, ... Grains before the
  // step average 0.5 (one order in flight every other second).
  // The window average first exceeds 100 with grains 0-2 in it: (0.5 + 0.5 + 62 + 182 + 302) / 5 = 109.4,
  // while with grains 0-1 it is (3 x 0.5 + 62 + 182) / 5 = 49.1. Grain 2 ends at 780 and is seen from
  // 780 + 180 = 960; runs are at multiples of 45 s, so the first run after that is 990:
  //   990 = 600 (step) + 180 (window filling: 3 grains) + 180 (metric delay) + 30 (wait for the run).
  // Each further scale-out waits for the 300 s cooldown and the next run: 990 + 300 = 1290 -> 1305,
  // 1605 -> 1620, 1905 -> 1935; the backlog per instance stays far above 100 meanwhile (e.g. at 1305 the
  // grains 780-1079 average ~660, i.e. ~330 per instance). Maximum 5.
  const stack = syntheticStack({
    profiles: [profile({ minimum: 1, default: 1, maximum: 5, rules: [rule({ threshold: 100 }, { value: 1, cooldownS: 300 })] })],
  });
  const workload = stepWorkload({ baseline: 0.5, multiplier: 6, stepAtS: 600, holdS: 3600, processingMs: 1000 });
  const spanS = 2400;
  const orders = generateOrders(workload, { seed: 1, originMs: ORIGIN_MS, spanS });
  const result = simulateQueueSide({ stack, model: timings(45), orders, originMs: ORIGIN_MS, spanS });

  expect(result.decisions.map((d) => [d.timeS, d.from, d.to])).toEqual([
    [990, 1, 2],
    [1305, 2, 3],
    [1620, 3, 4],
    [1935, 4, 5],
  ]);
  // The exact backlog the arithmetic above assumes: 2e + 1 at e = 60 (end of second 659).
  expect(result.activeMessages[659]).toBe(121);
  // The second instance serves from 990 + 60 = 1050: instance-minutes count it from the decision.
  const minute17 = result.minutes[17];
  expect([minute17.instances, minute17.readyInstances]).toEqual([2, 2]);
  expect([result.minutes[16].instances, result.minutes[16].readyInstances]).toEqual([2, 1]);
});

it('dead-letters poison orders after max_delivery_count deliveries and processes transient ones on redelivery', () => {
  // maxDeliveryCount 3, 4 slots. Order 0 (normal, 1 s) done at 2.0. Order 1 (transient): its first
  // delivery runs 5 s of in-invocation retries (2.0-7.0) and fails; Service Bus redelivers it at once,
  // the second delivery takes 1 s: processed at 8.0, latency 6 s. Order 2 (poison): deliveries at
  // 3.000, 3.005, 3.010 each fail after 5 ms; the third is the last allowed: dead-lettered at 3.015.
  // Receives: 1 + 2 + 3 = 6.
  const stack = syntheticStack({
    maxConcurrentCalls: 4,
    queue: { name: 'orders', lockDurationS: 60, maxDeliveryCount: 3 },
    profiles: [profile({ minimum: 1, default: 1, maximum: 1, rules: [] })],
  });
  const orders = handMadeOrders([
    { at: 1, kind: ORDER_NORMAL, processingS: 1 },
    { at: 2, kind: ORDER_TRANSIENT, processingS: 1, failedDeliveryS: 5 },
    { at: 3, kind: ORDER_POISON, processingS: 1 },
  ]);
  const result = simulateQueueSide({ stack, model: timings(60), orders, originMs: ORIGIN_MS, spanS: 60 });

  expect({ processed: result.processed, deadLettered: result.deadLettered, deadLetteredValid: result.deadLetteredValid }).toEqual({
    processed: 2,
    deadLettered: 1,
    deadLetteredValid: 0,
  });
  expect(result.operations.receives).toBe(6);
  expect(Array.from(result.latencyS)).toEqual([1, 6, NaN]);
});

it('returns the messages in flight on a removed instance when their lock expires, with deliveryCount + 1', () => {
  // A sale profile holds 2 instances (1 slot each) for the first 60 s; then the default profile's
  // maximum of 1 removes the newest instance at the run at 60. Order 0 (t=1, 100 s) runs on it; order 1
  // (t=2, 30 s) on the other, done at 32. Order 0's lock expires 60 s after the removal: back in the
  // queue at 120, delivered again, done at 220: latency 219 s, 3 receives in all.
  const sale = {
    ...profile({ name: 'sale', minimum: 2, default: 2, maximum: 2, rules: [] }),
    fixedDate: { startMs: ORIGIN_MS, endMs: ORIGIN_MS + 60_000, timeZone: 'UTC', start: '', end: '' },
  };
  const stack = syntheticStack({ profiles: [sale, profile({ minimum: 1, default: 1, maximum: 1, rules: [] })] });
  const orders = handMadeOrders([
    { at: 1, kind: ORDER_NORMAL, processingS: 100 },
    { at: 2, kind: ORDER_NORMAL, processingS: 30 },
  ]);
  const result = simulateQueueSide({ stack, model: timings(60), orders, originMs: ORIGIN_MS, spanS: 300 });

  expect(result.decisions.map((d) => [d.timeS, d.from, d.to, d.reason])).toEqual([[60, 2, 1, 'profile-limits']]);
  expect(result.deliveries.redeliveredAfterLockLoss).toBe(1);
  expect(result.operations.receives).toBe(3);
  expect(Array.from(result.latencyS)).toEqual([219, 30]);
});

describe('on Elastic Premium (target-based scaling)', () => {
  /** The controller looks every 10 s; a new instance serves 10 s allocation + 30 s host start = 40 s after the decision. */
  const elasticTimings = testModel({
    elasticPremium: {
      controllerIntervalS: 10,
      allocationS: 10,
      queueScaleOutIntervalS: 30,
      queueMaxStep: 4,
      scaleInAfterS: 300,
      scaleInIntervalS: 30,
    },
    instances: { hostStartS: 30, packageLoadMs: 0 },
  });
  const iso = (s: number) => new Date(ORIGIN_MS + s * 1000).toISOString();

  it('adds 4 instances per 30 s from a step of backlog up to the app scale limit, and drains on the way down', () => {
    // EP1, maxConcurrentCalls 4, 1 s per order: 4 orders/s per instance. Always-ready 1, limit 8.
    // 0.5 orders/s (at most 1 in flight: it wants ceil(1 / 4) = 1), then 20/s from 600 to 1200.
    // At the look at 610 about 160 messages are active: it wants ~40, capped at 8; +4 at once (1 -> 5).
    // At 640 (30 s later) +3 to the limit (5 -> 8); at 620 and 630 it waits for the 30 s interval.
    // The backlog (~800 at 650) keeps it above 8 x 4 = 32 until well after 640, so no scale-in starts
    // before 640 + 300 = 940. Scale-in drains: no delivery loses its lock.
    const stack = syntheticStack({ maxConcurrentCalls: 4, processor: elasticApp({ alwaysReady: 1, appScaleLimit: 8, maximumBurst: 20 }) });
    const workload = stepWorkload({ baseline: 0.5, multiplier: 40, stepAtS: 600, holdS: 600, processingMs: 1000 });
    const spanS = 2400;
    const orders = generateOrders(workload, { seed: 1, originMs: ORIGIN_MS, spanS });
    const result = simulateQueueSide({ stack, model: elasticTimings, orders, originMs: ORIGIN_MS, spanS });

    const outs = result.decisions.filter((d) => d.reason === 'scale-out');
    expect(outs.map((d) => [d.timeS, d.from, d.to])).toEqual([
      [610, 1, 5],
      [640, 5, 8],
    ]);
    // The four instances decided at 610 serve from 650, the three from 640 from 680.
    expect([result.ready[649], result.ready[650], result.ready[679], result.ready[680]]).toEqual([1, 5, 5, 8]);
    const ins = result.decisions.filter((d) => d.reason === 'scale-in');
    expect(ins[0].timeS).toBeGreaterThanOrEqual(940);
    for (const [i, d] of ins.entries()) {
      expect(d.to).toBe(d.from - 1);
      if (i > 0) expect(d.timeS - ins[i - 1].timeS).toBeGreaterThanOrEqual(30);
    }
    expect(result.minutes[result.minutes.length - 1].instances).toBe(1);
    expect(Math.min(...result.minutes.map((m) => m.instances))).toBe(1);
    expect(result.deliveries.redeliveredAfterLockLoss).toBe(0);
    expect(result.processed + result.unfinished).toBe(orders.count);
  });

  it("raises always-ready at the schedule's first run inside a sale window, and scales back in after it", () => {
    // Everyday 1; a window from 620 s to 1200 s after the origin holds 4. The schedule runs every 5
    // minutes (on the origin's 5-minute marks): its first run inside the window is at 900, so
    // 1 -> 4 at 900; its run at 1200 sets 1 again. With no load the controller wants 0 from then:
    // removals at 1200 + 300 = 1500, 1530, 1560.
    const schedule = { everyday: 1, windows: [{ name: 'sale', start: iso(620), end: iso(1200), alwaysReady: 4 }] };
    const stack = syntheticStack({ maxConcurrentCalls: 16, processor: elasticApp({ alwaysReady: 1, schedule }) });
    const spanS = 1800;
    const orders = generateOrders(stepWorkload({ baseline: 0, multiplier: 1, stepAtS: 0, holdS: 0, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const result = simulateQueueSide({ stack, model: elasticTimings, orders, originMs: ORIGIN_MS, spanS });
    expect(result.decisions.map((d) => [d.timeS, d.from, d.to, d.reason, d.profile])).toEqual([
      [900, 1, 4, 'always-ready', 'sale'],
      [1500, 4, 3, 'scale-in', 'everyday'],
      [1530, 3, 2, 'scale-in', 'everyday'],
      [1560, 2, 1, 'scale-in', 'everyday'],
    ]);
    expect([result.ready[939], result.ready[940]]).toEqual([1, 4]);
  });

  it('bills the always-ready instances all the time, and the prewarmed buffer while the app is busy', () => {
    // Always-ready 2, prewarmed 1, no load: 3 instances billed every second, or 2 without the buffer.
    const stack = syntheticStack({ maxConcurrentCalls: 16, processor: elasticApp({ alwaysReady: 2, prewarmed: 1 }) });
    const spanS = 600;
    const orders = generateOrders(stepWorkload({ baseline: 0, multiplier: 1, stepAtS: 0, holdS: 0, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const billed = (prewarmedBilled: boolean) =>
      simulateQueueSide({ stack, model: testModel({ elasticPremium: { prewarmedBilled } }), orders, originMs: ORIGIN_MS, spanS })
        .instanceSeconds;
    expect([billed(true), billed(false)]).toEqual([3 * 600, 2 * 600]);
  });
});
