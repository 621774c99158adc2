import { SCHEDULE_INTERVAL_MINUTES } from '../../lib/always-ready-schedule';
import { simulateApiSide, type ApiSideResult } from './api-side';
import type { ModelParameters } from './assumptions';
import type { ScaleDecision } from './autoscale-engine';
import { simulateSyncSide, type SyncSideResult } from './before';
import { estimateCost, type CostEstimate } from './pricing';
import { simulateQueueSide, type QueueSideResult } from './queue-consumer';
import { logNormalMean } from './random';
import { describeHosting, everydayInstances, saleWindowAt, type SaleWindowModel, type StackModel } from './stack-model';
import { percentilesByArrivalMinute, summarize, type LatencySummary } from './stats';
import { generateOrders, surgeInstants, type Orders, type SurgeInstants, type WorkloadProfile } from './workload';

/**
 * One run: the span to simulate, the orders, both architectures, and the figures the report prints.
 * Deterministic: everything random comes from the seed.
 */

export interface RunOptions {
  readonly stack: StackModel;
  readonly workload: WorkloadProfile;
  readonly model: ModelParameters;
  /** Price per instance-hour for a SKU without a sourced price. */
  readonly instanceHourUsd?: number;
  readonly onProgress?: (stage: 'orders' | 'after' | 'api' | 'before' | 'figures', done: number, total: number) => void;
}

export interface Span {
  readonly startMs: number;
  readonly endMs: number;
  readonly seconds: number;
}

export interface TimelineMinute {
  readonly minute: number;
  readonly atMs: number;
  readonly offeredPerSecond: number;
  readonly after: {
    readonly backlogMax: number;
    readonly instances: number;
    readonly readyInstances: number;
    readonly cpuPercent: number;
    readonly latencyP50S: number;
    readonly latencyP99S: number;
    readonly deadLettered: number;
  };
  /** The order API on its own plan, and (shared*) the counterfactual on the processor's instances. */
  readonly api: {
    readonly instances: number;
    readonly readyInstances: number;
    readonly utilisation: number;
    readonly latencyP50S: number;
    readonly latencyP99S: number;
    readonly sharedUtilisation: number;
    readonly sharedLatencyP99S: number;
  };
  readonly before: {
    readonly failed: number;
    readonly failedShare: number;
    readonly latencyP50S: number;
    readonly latencyP99S: number;
  };
}

export interface AfterFigures {
  /** The processor's hosting, e.g. `EP1, always-ready 2, burst 20, app limit 20, prewarmed 1`. */
  readonly hosting: string;
  readonly kind: 'dedicated' | 'elasticPremium';
  readonly orders: number;
  readonly processed: number;
  readonly deadLettered: number;
  /** Dead-lettered orders that were not poison. */
  readonly deadLetteredValid: number;
  /** Valid orders dead-lettered over valid orders. */
  readonly failedShare: number;
  readonly unfinished: number;
  readonly latency: LatencySummary;
  readonly peakBacklog: { readonly messages: number; readonly atMs: number };
  /** Seconds from the surge's end until at most the drain threshold wait; undefined: not within the span. */
  readonly drainS: number | undefined;
  /** When the waiting messages last came down to the threshold after their peak; undefined when they never exceeded it. */
  readonly backlogClearedAtMs: number | undefined;
  readonly drainThreshold: number;
  readonly instanceMinutes: number;
  readonly instances: { readonly min: number; readonly max: number };
  readonly slotsPerInstance: number;
  readonly throughputPerInstance: number;
  readonly scaleEvents: readonly ScaleDecision[];
  readonly holds: number;
  readonly operations: QueueSideResult['operations'];
  readonly redeliveredAfterLockLoss: number;
  /** The whole pipeline: the processor's plan, the API's plan, Service Bus and any always-ready schedule. */
  readonly cost: CostEstimate;
  readonly target: { readonly p99S: number; readonly met: boolean };
}

/** The order API: POST /api/orders on its own plan, and the same requests on the processor's instances. */
export interface ApiFigures {
  readonly hosting: string;
  readonly kind: 'dedicated' | 'elasticPremium';
  readonly planSku: string;
  readonly vcpu: number;
  readonly requests: number;
  /** Requests that would have waited past the front end's timeout. */
  readonly timedOut: number;
  readonly latency: LatencySummary;
  /** The highest p99 of the requests that arrived in one minute. */
  readonly worstMinuteP99S: number;
  /** The highest per-minute CPU demand over the ready vCPUs. */
  readonly peakUtilisation: number;
  readonly cpuMsPerRequest: number;
  readonly instances: { readonly min: number; readonly max: number };
  readonly instanceMinutes: number;
  readonly scaleEvents: readonly ScaleDecision[];
  /** The API's plan alone (also part of after.cost). */
  readonly cost: CostEstimate;
  readonly target: { readonly p99S: number; readonly met: boolean };
  /** Counterfactual: the same requests on the processor's instances, with the vCPUs its deliveries use taken away (one plan, as before the split). */
  readonly shared: {
    readonly timedOut: number;
    readonly latency: LatencySummary;
    readonly worstMinuteP99S: number;
    readonly peakUtilisation: number;
    readonly target: { readonly p99S: number; readonly met: boolean };
  };
}

export interface BeforeFigures {
  readonly orders: number;
  readonly succeeded: number;
  readonly timedOut: number;
  readonly failedTransient: number;
  readonly rejected: number;
  /** Failed (timed out or 5xx) over valid orders. */
  readonly failedShare: number;
  readonly latency: LatencySummary;
  readonly instances: number;
  readonly workersPerInstance: number;
  readonly capacityPerSecond: number;
  readonly instanceMinutes: number;
  readonly cost: CostEstimate;
  readonly target: { readonly p99S: number; readonly met: boolean };
}

export interface SimulationResult {
  readonly span: Span;
  readonly surge: SurgeInstants;
  /** The processor's sale window (fixed-date profile or always-ready window) the surge starts in, if any. */
  readonly saleWindow: SaleWindowModel | undefined;
  readonly meanProcessingS: number;
  readonly after: AfterFigures;
  readonly api: ApiFigures;
  readonly before: BeforeFigures;
  readonly timeline: readonly TimelineMinute[];
}

/** From the lead-in before the sale window (or the surge) to the tail after the surge, in whole minutes. */
export function simulationSpan(
  stack: StackModel,
  workload: WorkloadProfile,
  model: ModelParameters,
): { span: Span; surge: SurgeInstants; saleWindow: SaleWindowModel | undefined } {
  const surge = surgeInstants(workload);
  const saleWindow = saleWindowAt(stack.apps.orderProcessor, surge.rampUpStartMs);
  const apiWindow = saleWindowAt(stack.apps.orderApi, surge.rampUpStartMs);
  const windowStart = Math.min(saleWindow?.startMs ?? Infinity, apiWindow?.startMs ?? Infinity);
  const from = (Number.isFinite(windowStart) ? windowStart : surge.rampUpStartMs) - model.report.leadInS * 1000;
  const startMs = Math.floor(from / 60_000) * 60_000;
  const seconds = Math.ceil((surge.rampDownEndMs + model.report.tailS * 1000 - startMs) / 60_000) * 60;
  return { span: { startMs, endMs: startMs + seconds * 1000, seconds }, surge, saleWindow };
}

export function runSimulation(options: RunOptions): SimulationResult {
  const { stack, workload, model } = options;
  const { span, surge, saleWindow } = simulationSpan(stack, workload, model);
  const progress = options.onProgress ?? (() => undefined);

  progress('orders', 0, 1);
  const orders = generateOrders(workload, { seed: model.seed, originMs: span.startMs, spanS: span.seconds });
  progress('orders', 1, 1);

  const after = simulateQueueSide({
    stack,
    model,
    orders,
    originMs: span.startMs,
    spanS: span.seconds,
    onProgress: (s) => progress('after', s, span.seconds),
  });
  progress('api', 0, 1);
  const api = simulateApiSide({
    stack,
    model,
    orders,
    originMs: span.startMs,
    spanS: span.seconds,
    processor: { busyVcpu: after.busyVcpu, ready: after.ready },
  });
  progress('api', 1, 1);

  const beforeInstances = model.before.instances ?? everydayInstances(stack.apps.orderProcessor);
  const workersPerInstance = model.before.workersPerInstance ?? stack.maxConcurrentCalls;
  progress('before', 0, 1);
  const before = simulateSyncSide({
    orders,
    spanS: span.seconds,
    instances: beforeInstances,
    workersPerInstance,
    timeoutS: model.before.timeoutS,
    processesAbandonedRequests: model.before.processesAbandonedRequests,
    poisonS: model.consumer.poisonDeliveryS,
  });
  progress('before', 1, 1);

  progress('figures', 0, 1);
  const meanProcessingS = logNormalMean(workload.processing.medianMs / 1000, workload.processing.p99Ms / 1000);
  const minutes = after.minutes.length;
  const apiLatency = percentilesByArrivalMinute(orders.arrivalS, api.latencyS, minutes);
  const sharedLatency = percentilesByArrivalMinute(orders.arrivalS, api.sharedLatencyS, minutes);
  const apiFigures = apiFiguresOf(options, api, apiLatency, sharedLatency);
  const result: SimulationResult = {
    span,
    surge,
    saleWindow,
    meanProcessingS,
    after: afterFigures(options, orders, after, api, span, surge, meanProcessingS),
    api: apiFigures,
    before: beforeFigures(options, orders, before, beforeInstances, workersPerInstance, meanProcessingS),
    timeline: timeline(orders, after, api, apiLatency, sharedLatency, before, span),
  };
  progress('figures', 1, 1);
  return result;
}

/** Actions the always-ready schedules run over the span: a trigger and five actions per run, per scheduled app [I]. */
function scheduleActions(stack: StackModel, span: Span): number {
  const runs = span.seconds / (SCHEDULE_INTERVAL_MINUTES * 60);
  const scheduled = Object.values(stack.apps).filter((a) => a.kind === 'elasticPremium' && a.schedule).length;
  return Math.round(runs * 6 * scheduled);
}

type MinutePercentiles = ReadonlyArray<{ readonly p50: number; readonly p99: number }>;

function apiFiguresOf(
  options: RunOptions,
  api: ApiSideResult,
  apiByMinute: MinutePercentiles,
  sharedByMinute: MinutePercentiles,
): ApiFigures {
  const { stack, model } = options;
  const app = stack.apps.orderApi;
  const worst = (byMinute: MinutePercentiles) => Math.max(...byMinute.map((m) => (Number.isFinite(m.p99) ? m.p99 : 0)));
  const latency = summarize(api.latencyS, api.timedOut);
  const sharedLatency = summarize(api.sharedLatencyS, api.sharedTimedOut);
  const target = model.report.apiTargetP99S;
  const counts = api.minutes.map((m) => m.instances);
  return {
    hosting: describeHosting(app),
    kind: app.kind,
    planSku: app.plan.sku,
    vcpu: app.plan.facts.vcpu,
    requests: api.latencyS.length,
    timedOut: api.timedOut,
    latency,
    worstMinuteP99S: worst(apiByMinute),
    peakUtilisation: Math.max(...api.minutes.map((m) => m.utilisation)),
    cpuMsPerRequest: api.cpuSPerRequest * 1000,
    instances: { min: Math.min(...counts), max: Math.max(...counts) },
    instanceMinutes: api.instanceSeconds / 60,
    scaleEvents: api.decisions,
    cost: estimateCost({
      planSku: app.plan.sku,
      planLabel: `order API plan ${app.plan.sku}`,
      instanceHours: api.instanceSeconds / 3600,
      instanceHourUsd: options.instanceHourUsd,
    }),
    target: { p99S: target, met: latency.p99WithFailures <= target },
    shared: {
      timedOut: api.sharedTimedOut,
      latency: sharedLatency,
      worstMinuteP99S: worst(sharedByMinute),
      peakUtilisation: Math.max(...api.minutes.map((m) => m.sharedUtilisation)),
      target: { p99S: target, met: sharedLatency.p99WithFailures <= target },
    },
  };
}

function afterFigures(
  options: RunOptions,
  orders: Orders,
  after: QueueSideResult,
  api: ApiSideResult,
  span: Span,
  surge: SurgeInstants,
  meanProcessingS: number,
): AfterFigures {
  const { stack, workload, model } = options;
  let peak = 0;
  let peakAt = 0;
  for (let s = 0; s < after.activeMessages.length; s++) {
    if (after.activeMessages[s] > peak) {
      peak = after.activeMessages[s];
      peakAt = s;
    }
  }
  const drainThreshold = workload.baselinePerSecond * model.report.drainedBelowBaselineSeconds;
  const surgeEndS = Math.max(0, Math.ceil((surge.rampDownEndMs - span.startMs) / 1000));
  let drainS: number | undefined;
  for (let s = surgeEndS; s < after.waiting.length; s++) {
    if (after.waiting[s] <= drainThreshold) {
      drainS = s - surgeEndS;
      break;
    }
  }
  let waitingPeakAt = 0;
  for (let s = 0; s < after.waiting.length; s++) if (after.waiting[s] > after.waiting[waitingPeakAt]) waitingPeakAt = s;
  let backlogClearedAtMs: number | undefined;
  if (after.waiting[waitingPeakAt] > drainThreshold) {
    for (let s = waitingPeakAt; s < after.waiting.length; s++) {
      if (after.waiting[s] <= drainThreshold) {
        backlogClearedAtMs = span.startMs + (s + 1) * 1000;
        break;
      }
    }
  }
  const instanceCounts = after.minutes.map((m) => m.instances);
  // Valid orders that were dead-lettered (deliveries used up, e.g. by lost locks) never complete.
  const latency = summarize(after.latencyS, after.deadLetteredValid);
  const hours = span.seconds / 3600;
  const processor = stack.apps.orderProcessor;
  const apiApp = stack.apps.orderApi;
  return {
    hosting: describeHosting(processor),
    kind: processor.kind,
    orders: orders.count,
    processed: after.processed,
    deadLettered: after.deadLettered,
    deadLetteredValid: after.deadLetteredValid,
    failedShare: after.deadLetteredValid / Math.max(1, orders.count - (after.deadLettered - after.deadLetteredValid)),
    unfinished: after.unfinished,
    latency,
    peakBacklog: { messages: peak, atMs: span.startMs + (peakAt + 1) * 1000 },
    drainS,
    backlogClearedAtMs,
    drainThreshold,
    instanceMinutes: after.instanceSeconds / 60,
    instances: { min: Math.min(...instanceCounts), max: Math.max(...instanceCounts) },
    slotsPerInstance: after.slotsPerInstance,
    throughputPerInstance: after.slotsPerInstance / meanProcessingS,
    scaleEvents: after.decisions,
    holds: after.holds.length,
    operations: after.operations,
    redeliveredAfterLockLoss: after.deliveries.redeliveredAfterLockLoss,
    cost: estimateCost({
      planSku: processor.plan.sku,
      planLabel: `order processor plan ${processor.plan.sku}`,
      instanceHours: after.instanceSeconds / 3600,
      morePlans: [{ label: `order API plan ${apiApp.plan.sku}`, sku: apiApp.plan.sku, instanceHours: api.instanceSeconds / 3600 }],
      instanceHourUsd: options.instanceHourUsd,
      serviceBus: {
        sku: stack.serviceBus.sku,
        messagingUnits: stack.serviceBus.messagingUnits,
        hours,
        operations: after.operations.sends + after.operations.receives + after.operations.settlements,
      },
      scheduleActions: scheduleActions(stack, span),
    }),
    target: { p99S: model.report.targetP99S, met: latency.p99WithFailures <= model.report.targetP99S },
  };
}

function beforeFigures(
  options: RunOptions,
  orders: Orders,
  before: SyncSideResult,
  instances: number,
  workersPerInstance: number,
  meanProcessingS: number,
): BeforeFigures {
  const { stack, model } = options;
  const failed = before.timedOut + before.failedTransient;
  const latency = summarize(before.latencyS, failed);
  const valid = orders.count - before.rejected;
  return {
    orders: orders.count,
    succeeded: before.succeeded,
    timedOut: before.timedOut,
    failedTransient: before.failedTransient,
    rejected: before.rejected,
    failedShare: valid > 0 ? failed / valid : 0,
    latency,
    instances,
    workersPerInstance,
    capacityPerSecond: (instances * workersPerInstance) / meanProcessingS,
    instanceMinutes: before.instanceSeconds / 60,
    cost: estimateCost({
      planSku: stack.apps.orderProcessor.plan.sku,
      instanceHours: before.instanceSeconds / 3600,
      instanceHourUsd: options.instanceHourUsd,
    }),
    target: { p99S: model.report.targetP99S, met: latency.p99WithFailures <= model.report.targetP99S },
  };
}

function timeline(
  orders: Orders,
  after: QueueSideResult,
  api: ApiSideResult,
  apiLatency: MinutePercentiles,
  sharedLatency: MinutePercentiles,
  before: SyncSideResult,
  span: Span,
): TimelineMinute[] {
  const minutes = after.minutes.length;
  const afterLatency = percentilesByArrivalMinute(orders.arrivalS, after.latencyS, minutes);
  const beforeLatency = percentilesByArrivalMinute(orders.arrivalS, before.latencyS, minutes);
  return after.minutes.map((m, i) => {
    const b = before.minutes[i];
    const a = api.minutes[i];
    const failed = b ? b.timedOut + b.failedTransient : 0;
    return {
      minute: m.minute,
      atMs: span.startMs + m.minute * 60_000,
      offeredPerSecond: m.arrivals / 60,
      after: {
        backlogMax: m.backlogMax,
        instances: m.instances,
        readyInstances: m.readyInstances,
        cpuPercent: m.cpuPercent,
        latencyP50S: afterLatency[i].p50,
        latencyP99S: afterLatency[i].p99,
        deadLettered: m.deadLettered,
      },
      api: {
        instances: a.instances,
        readyInstances: a.readyInstances,
        utilisation: a.utilisation,
        latencyP50S: apiLatency[i].p50,
        latencyP99S: apiLatency[i].p99,
        sharedUtilisation: a.sharedUtilisation,
        sharedLatencyP99S: sharedLatency[i].p99,
      },
      before: {
        failed,
        failedShare: b && b.arrivals > 0 ? failed / b.arrivals : 0,
        latencyP50S: beforeLatency[i].p50,
        latencyP99S: beforeLatency[i].p99,
      },
    };
  });
}
