import { simulateApiSide } from '../../scripts/simulation/api-side';
import { meanWaitS, waitProbability } from '../../scripts/simulation/queueing';
import { generateOrders } from '../../scripts/simulation/workload';
import { dedicatedApp, elasticApp, ORIGIN_MS, plan, profile, rule, stepWorkload, syntheticStack, testModel } from './fixtures';

/**
 * The order API on its own plan, and on the processor's instances (the counterfactual), against cases
 * worked out by hand. Unless a test says otherwise a request costs 1 ms of worker CPU + 1 ms of host
 * CPU = 2 ms, and its I/O takes exactly 20 ms (median = p99).
 */
const model = (overrides: Parameters<typeof testModel>[0] = {}) =>
  testModel({ api: { cpuMsPerRequest: 1, hostCpuMsPerRequest: 1, ioMedianMs: 20, ioP99Ms: 20, packageLoadMs: 0 }, ...overrides });

/** One fixed Dedicated instance of `sku` for the API. */
const fixedApi = (sku: string) => dedicatedApp([profile({ minimum: 1, default: 1, maximum: 1, rules: [] })], sku);

/** A processor that is idle on `ready` instances (or uses `busyVcpu` of them) every second. */
const processorState = (spanS: number, ready: number, busyVcpu = 0) => ({
  ready: new Uint16Array(spanS).fill(ready),
  busyVcpu: new Float32Array(spanS).fill(busyVcpu),
});

const mean = (values: Float32Array) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('waiting for a vCPU (M/M/c, Sakasegawa)', () => {
  it('is exact for one server: P(wait) = rho, mean wait = rho s / (1 - rho)', () => {
    expect(waitProbability(1, 0.5)).toBeCloseTo(0.5, 12);
    // rho 0.5, s = 2 ms: 0.5 x 2 / 0.5 = 2 ms.
    expect(meanWaitS(1, 0.5, 0.002)).toBeCloseTo(0.002, 12);
  });

  it('stays close to Erlang C for two servers', () => {
    // Erlang C for c = 2, rho = 0.5: 2 rho^2 / (1 + rho) = 1/3. Sakasegawa: 0.5^(sqrt(6) - 1) = 0.3660.
    expect(waitProbability(2, 0.5)).toBeCloseTo(0.366, 3);
    expect(Math.abs(waitProbability(2, 0.5) - 1 / 3)).toBeLessThan(0.04);
  });

  it('waits for sure at or above full load, never at none', () => {
    expect([waitProbability(3, 1), waitProbability(3, 1.5), waitProbability(3, 0)]).toEqual([1, 1, 0]);
  });
});

describe('the API on its own plan', () => {
  it('adds the expected queueing at 50% utilisation of one vCPU', () => {
    // P0v3 (1 vCPU), 250 requests/s x 2 ms = 0.5 vCPU: rho 0.5. Mean latency = 20 ms I/O + 2 ms CPU
    // + 2 ms mean wait (M/M/1: 0.5 x 2 / 0.5) = 24 ms. 250/s for 300 s: 75,000 requests, so the
    // sample mean is within ~0.02 ms of it.
    const spanS = 300;
    const orders = generateOrders(stepWorkload({ baseline: 250, multiplier: 1, stepAtS: 0, holdS: spanS, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const stack = syntheticStack({ api: fixedApi('P0v3') });
    const result = simulateApiSide({ stack, model: model(), orders, originMs: ORIGIN_MS, spanS, processor: processorState(spanS, 1) });
    expect(result.timedOut).toBe(0);
    expect(mean(result.latencyS) * 1000).toBeCloseTo(24, 1);
    expect(result.minutes[3].utilisation).toBeCloseTo(0.5, 6);
  });

  it('falls behind when the demand exceeds the vCPUs: every request waits for the backlog before it', () => {
    // 750 requests/s x 2 ms = 1.5 vCPU-s of work per second on 1 vCPU: 0.5 s of work is left over
    // each second. A request arriving in second 100 waits behind 100 x 0.5 = 50 s of backlog.
    const spanS = 200;
    const orders = generateOrders(stepWorkload({ baseline: 750, multiplier: 1, stepAtS: 0, holdS: spanS, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const stack = syntheticStack({ api: fixedApi('P0v3') });
    const result = simulateApiSide({ stack, model: model(), orders, originMs: ORIGIN_MS, spanS, processor: processorState(spanS, 1) });
    const second100 = result.latencyS.subarray(100 * 750, 101 * 750);
    expect(Math.min(...second100)).toBeGreaterThan(50);
    expect(mean(second100)).toBeLessThan(50.2);
  });

  it('times out a request that would wait past the front end timeout', () => {
    // The same overload with a 30 s timeout: from second 60 the backlog alone is 60 x 0.5 = 30 s.
    const spanS = 120;
    const orders = generateOrders(stepWorkload({ baseline: 750, multiplier: 1, stepAtS: 0, holdS: spanS, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const stack = syntheticStack({ api: fixedApi('P0v3') });
    const result = simulateApiSide({
      stack,
      model: model({ before: { timeoutS: 30 } }),
      orders,
      originMs: ORIGIN_MS,
      spanS,
      processor: processorState(spanS, 1),
    });
    expect(result.timedOut).toBeGreaterThanOrEqual(60 * 750);
    expect(result.timedOut).toBeLessThanOrEqual(61 * 750);
  });

  it("scales a Dedicated API plan on its CPU with the plan's own rule", () => {
    // 2 x P0v3, 800 requests/s x 2 ms = 1.6 vCPU: 5% idle + 80% = 85% CPU > 70%. Grain 60 s, metric
    // delay 180 s, runs every 60 s: the first grain [0, 60) is visible from 240, when the rule fires:
    // 2 -> 3 at 240.
    const spanS = 300;
    const orders = generateOrders(stepWorkload({ baseline: 800, multiplier: 1, stepAtS: 0, holdS: spanS, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const cpuRule = rule({ metric: 'CpuPercentage', threshold: 70, divideByInstanceCount: false }, { value: 1, cooldownS: 300 });
    const api = dedicatedApp([profile({ minimum: 2, default: 2, maximum: 5, rules: [cpuRule] })], 'P0v3');
    const result = simulateApiSide({
      stack: syntheticStack({ api }),
      model: model({ autoscale: { evaluationIntervalS: 60, metricDelayS: 180 } }),
      orders,
      originMs: ORIGIN_MS,
      spanS,
      processor: processorState(spanS, 1),
    });
    expect(result.decisions.map((d) => [d.timeS, d.from, d.to, d.reason])).toEqual([[240, 2, 3, 'scale-out']]);
  });

  it('on Elastic Premium adds one instance per second, the prewarmed one serving at once', () => {
    // EP1 (1 vCPU), always-ready 1, prewarmed 1. 10 requests/s, then 1,000/s from second 60: 2 vCPU of
    // demand, so at a 0.7 target it wants ceil(2 / 0.7) = 3. At 61 (the first look after the step)
    // 1 -> 2: the prewarmed instance, serving at once. At 62: 2 -> 3, a new instance: it serves after
    // 10 s allocation + 30 s host start = 40 s, from 102.
    const spanS = 180;
    const orders = generateOrders(stepWorkload({ baseline: 10, multiplier: 100, stepAtS: 60, holdS: spanS, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const api = elasticApp({ alwaysReady: 1, prewarmed: 1, appScaleLimit: 10 });
    const m = model({
      elasticPremium: { controllerIntervalS: 1, allocationS: 10, httpTargetUtilisation: 0.7 },
      instances: { hostStartS: 30 },
    });
    const result = simulateApiSide({
      stack: syntheticStack({ api }),
      model: m,
      orders,
      originMs: ORIGIN_MS,
      spanS,
      processor: processorState(spanS, 1),
    });
    expect(result.decisions.slice(0, 2).map((d) => [d.timeS, d.from, d.to])).toEqual([
      [61, 1, 2],
      [62, 2, 3],
    ]);
    expect([result.ready[60], result.ready[61], result.ready[101], result.ready[102]]).toEqual([1, 2, 2, 3]);
  });
});

describe("the counterfactual: the API on the processor's instances", () => {
  it("waits longer where the processor's deliveries take most of the vCPUs", () => {
    // 100 requests/s x 2 ms = 0.2 vCPU. Own plan: P0v3 (1 vCPU), rho 0.2, mean wait 0.2 x 2 / 0.8 =
    // 0.5 ms. Shared: one P1v3 processor instance (2 vCPU) with 1.5 vCPU busy leaves 0.5: rho 0.4,
    // P(wait) = 0.4^(sqrt(3) - 1) = 0.5114, mean wait 0.5114 x 2 / (0.5 x 0.6) = 3.41 ms.
    // Mean latency: 22.5 ms own, 25.41 ms shared.
    const spanS = 600;
    const orders = generateOrders(stepWorkload({ baseline: 100, multiplier: 1, stepAtS: 0, holdS: spanS, processingMs: 100 }), {
      seed: 1,
      originMs: ORIGIN_MS,
      spanS,
    });
    const stack = syntheticStack({ api: fixedApi('P0v3'), processor: { ...dedicatedApp([]), plan: plan('P1v3') } });
    const result = simulateApiSide({ stack, model: model(), orders, originMs: ORIGIN_MS, spanS, processor: processorState(spanS, 1, 1.5) });
    expect(mean(result.latencyS) * 1000).toBeCloseTo(22.5, 1);
    expect(mean(result.sharedLatencyS) * 1000).toBeCloseTo(25.41, 1);
    expect(result.minutes[5].sharedUtilisation).toBeCloseTo(0.4, 6);
  });
});
