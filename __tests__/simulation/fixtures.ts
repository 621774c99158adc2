import { withModel, type DeepPartial, type ModelParameters } from '../../scripts/simulation/assumptions';
import {
  ruleName,
  type AutoscaleProfile,
  type MetricTrigger,
  type ScaleAction,
  type ScaleRule,
} from '../../scripts/simulation/autoscale-setting';
import { planSku } from '../../lib/config/plan-skus';
import type { AppModel, DedicatedAppModel, ElasticAppModel, PlanModel, StackModel } from '../../scripts/simulation/stack-model';
import type { Orders, WorkloadProfile } from '../../scripts/simulation/workload';

/** Small hand-made settings and stacks, so each test's arithmetic fits in a comment. */

/** 2026-01-01T00:00:00Z: second 0 of the synthetic runs. */
export const ORIGIN_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

export function rule(trigger: Partial<MetricTrigger>, action: Partial<ScaleAction>): ScaleRule {
  const t: MetricTrigger = {
    metric: 'ActiveMessages',
    statistic: 'Average',
    timeGrainS: 60,
    timeWindowS: 300,
    timeAggregation: 'Average',
    operator: 'GreaterThan',
    threshold: 100,
    divideByInstanceCount: true,
    ...trigger,
  };
  const a: ScaleAction = { direction: 'Increase', type: 'ChangeCount', value: 1, cooldownS: 300, ...action };
  return { name: ruleName(t, a), trigger: t, action: a };
}

export function profile(p: Partial<AutoscaleProfile> & { rules: ScaleRule[] }): AutoscaleProfile {
  return { name: 'default', minimum: 1, default: 1, maximum: 10, ...p };
}

export function plan(sku: string, initialWorkers = 1): PlanModel {
  return { sku, facts: planSku(sku), initialWorkers, zoneBalancing: false };
}

/** A Dedicated app on P1v3 with these autoscale profiles. */
export function dedicatedApp(profiles: AutoscaleProfile[], sku = 'P1v3'): DedicatedAppModel {
  return { kind: 'dedicated', plan: plan(sku), autoscale: { profiles } };
}

/** An Elastic Premium app on EP1: always-ready 1, limit 10, no prewarmed buffer, no schedule, unless overridden. */
export function elasticApp(overrides: Partial<ElasticAppModel> = {}): ElasticAppModel {
  return {
    kind: 'elasticPremium',
    plan: plan('EP1'),
    alwaysReady: 1,
    maximumBurst: 10,
    appScaleLimit: 10,
    prewarmed: 0,
    schedule: undefined,
    ...overrides,
  };
}

/**
 * A small stack: the processor on P1v3 with `profiles` (or `processor`), the API on one fixed P1v3
 * instance (or `api`).
 */
export function syntheticStack(
  overrides: Partial<Omit<StackModel, 'apps'>> & { profiles?: AutoscaleProfile[]; processor?: AppModel; api?: AppModel },
): StackModel {
  const { profiles, processor, api, ...rest } = overrides;
  return {
    environment: 'test',
    apps: {
      orderProcessor: processor ?? dedicatedApp(profiles ?? []),
      orderApi: api ?? dedicatedApp([profile({ minimum: 1, default: 1, maximum: 1, rules: [] })]),
    },
    queue: { name: 'orders', lockDurationS: 60, maxDeliveryCount: 10 },
    serviceBus: { sku: 'Premium', messagingUnits: 1 },
    maxConcurrentCalls: 1,
    maxConcurrentCallsSource: 'test',
    ...rest,
  };
}

/** The default model with the engine's and instances' timings made explicit per test. */
export function testModel(overrides: DeepPartial<ModelParameters> = {}): ModelParameters {
  return withModel(overrides);
}

/** A step (ramp 0) from `baseline` to `baseline x multiplier` at `stepAtS`, evenly spaced arrivals, fixed processing time. */
export function stepWorkload(options: {
  baseline: number;
  multiplier: number;
  stepAtS: number;
  holdS: number;
  processingMs: number;
}): WorkloadProfile {
  const start = new Date(ORIGIN_MS + options.stepAtS * 1000).toISOString().slice(0, 19);
  return {
    baselinePerSecond: options.baseline,
    surge: { multiplier: options.multiplier, start, timeZone: 'UTC', rampS: 0, holdS: options.holdS },
    // median = p99: sigma 0, every order takes exactly processingMs.
    processing: { medianMs: options.processingMs, p99Ms: options.processingMs },
    transientFailureRate: 0,
    poisonRate: 0,
    arrivals: 'even',
  };
}

/** Orders listed one by one (arrival, kind, durations), for the smallest cases. */
export function handMadeOrders(rows: Array<{ at: number; kind: number; processingS: number; failedDeliveryS?: number }>): Orders {
  return {
    count: rows.length,
    arrivalS: Float64Array.from(rows.map((r) => r.at)),
    kind: Uint8Array.from(rows.map((r) => r.kind)),
    processingS: Float32Array.from(rows.map((r) => r.processingS)),
    failedDeliveryS: Float32Array.from(rows.map((r) => r.failedDeliveryS ?? 0)),
  };
}
