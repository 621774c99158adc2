import type { ModelParameters } from './assumptions';
import type { ScaleDecision } from './autoscale-engine';
import { defaultProfile, type AutoscaleProfile } from './autoscale-setting';
import { simulateSyncSide, type SyncSideResult } from './before';
import { estimateCost, type CostEstimate } from './pricing';
import { simulateQueueSide, type QueueSideResult } from './queue-consumer';
import { logNormalMean } from './random';
import type { StackModel } from './stack-model';
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
  readonly onProgress?: (stage: 'orders' | 'after' | 'before' | 'figures', done: number, total: number) => void;
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
  readonly before: {
    readonly failed: number;
    readonly failedShare: number;
    readonly latencyP50S: number;
    readonly latencyP99S: number;
  };
}

export interface AfterFigures {
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
  readonly cost: CostEstimate;
  readonly target: { readonly p99S: number; readonly met: boolean };
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
  /** The fixed-date profile the surge starts in, if any. */
  readonly saleProfile: AutoscaleProfile | undefined;
  readonly meanProcessingS: number;
  readonly after: AfterFigures;
  readonly before: BeforeFigures;
  readonly timeline: readonly TimelineMinute[];
}

/** From the lead-in before the sale window (or the surge) to the tail after the surge, in whole minutes. */
export function simulationSpan(stack: StackModel, workload: WorkloadProfile, model: ModelParameters): { span: Span; surge: SurgeInstants; saleProfile: AutoscaleProfile | undefined } {
  const surge = surgeInstants(workload);
  const saleProfile = stack.autoscale.profiles.find((p) => p.fixedDate && surge.rampUpStartMs >= p.fixedDate.startMs && surge.rampUpStartMs < p.fixedDate.endMs);
  const from = (saleProfile?.fixedDate?.startMs ?? surge.rampUpStartMs) - model.report.leadInS * 1000;
  const startMs = Math.floor(from / 60_000) * 60_000;
  const seconds = Math.ceil((surge.rampDownEndMs + model.report.tailS * 1000 - startMs) / 60_000) * 60;
  return { span: { startMs, endMs: startMs + seconds * 1000, seconds }, surge, saleProfile };
}

export function runSimulation(options: RunOptions): SimulationResult {
  const { stack, workload, model } = options;
  const { span, surge, saleProfile } = simulationSpan(stack, workload, model);
  const progress = options.onProgress ?? (() => undefined);

  progress('orders', 0, 1);
  const orders = generateOrders(workload, { seed: model.seed, originMs: span.startMs, spanS: span.seconds });
  progress('orders', 1, 1);

  const after = simulateQueueSide({ stack, model, orders, originMs: span.startMs, spanS: span.seconds, onProgress: (s) => progress('after', s, span.seconds) });

  const beforeInstances = model.before.instances ?? defaultProfile(stack.autoscale).default;
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
  const result: SimulationResult = {
    span,
    surge,
    saleProfile,
    meanProcessingS,
    after: afterFigures(options, orders, after, span, surge, meanProcessingS),
    before: beforeFigures(options, orders, before, beforeInstances, workersPerInstance, meanProcessingS),
    timeline: timeline(orders, after, before, span),
  };
  progress('figures', 1, 1);
  return result;
}

function afterFigures(options: RunOptions, orders: Orders, after: QueueSideResult, span: Span, surge: SurgeInstants, meanProcessingS: number): AfterFigures {
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
  return {
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
      planSku: stack.plan.sku,
      instanceHours: after.instanceSeconds / 3600,
      instanceHourUsd: options.instanceHourUsd,
      serviceBus: { sku: stack.serviceBus.sku, messagingUnits: stack.serviceBus.messagingUnits, hours, operations: after.operations.sends + after.operations.receives + after.operations.settlements },
    }),
    target: { p99S: model.report.targetP99S, met: latency.p99WithFailures <= model.report.targetP99S },
  };
}

function beforeFigures(options: RunOptions, orders: Orders, before: SyncSideResult, instances: number, workersPerInstance: number, meanProcessingS: number): BeforeFigures {
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
    cost: estimateCost({ planSku: stack.plan.sku, instanceHours: before.instanceSeconds / 3600, instanceHourUsd: options.instanceHourUsd }),
    target: { p99S: model.report.targetP99S, met: latency.p99WithFailures <= model.report.targetP99S },
  };
}

function timeline(orders: Orders, after: QueueSideResult, before: SyncSideResult, span: Span): TimelineMinute[] {
  const minutes = after.minutes.length;
  const afterLatency = percentilesByArrivalMinute(orders.arrivalS, after.latencyS, minutes);
  const beforeLatency = percentilesByArrivalMinute(orders.arrivalS, before.latencyS, minutes);
  return after.minutes.map((m, i) => {
    const b = before.minutes[i];
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
      before: {
        failed,
        failedShare: b && b.arrivals > 0 ? failed / b.arrivals : 0,
        latencyP50S: beforeLatency[i].p50,
        latencyP99S: beforeLatency[i].p99,
      },
    };
  });
}

