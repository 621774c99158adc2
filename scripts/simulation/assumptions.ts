/**
 * Every parameter of the model that is not read from the synthesized stack or the workload, with its
 * default and where that default comes from. Tags, as in the team's reference notes
 * (shared/reference/autoscale-model.md, kept beside the repository):
 *   [D] stated in Microsoft docs or SDK source, [C] community evidence, [I] inference, no source,
 *   [M] measured here by `npm run bench` (the built packages through scripts/harness; see ASSUMPTIONS.md).
 * ASSUMPTIONS.md lists the same with the public documentation behind each.
 */

/** How the docs' two readings of cooldowns are simulated (reference §1, "Cooldown", [D, conflicting]). */
export type CooldownMode =
  /** autoscale-understanding-settings.md: the cooldown of the rule that fired most recently blocks every rule. */
  | 'last-action'
  /** autoscale-get-started.md: each rule waits out its own cooldown after the last action. */
  | 'per-rule';

export interface AutoscaleParameters {
  /** Seconds between autoscale runs. [D] "every 30 to 60 seconds, depending on the resource type" (autoscale-flapping.md); default the slower end. */
  readonly evaluationIntervalS: number;
  /** Seconds from a metric sample to autoscale seeing it. [C] 3-4 min observed for an App Service plan (azure-docs#40998), ~2 min for Service Bus (azure-k8s-metrics-adapter#63), exporters wait 3 min; the docs say "under a minute". */
  readonly metricDelayS: number;
  readonly cooldownMode: CooldownMode;
  /** Whether the jump to a new profile's minimum waits for an active cooldown. [I] undocumented; default: it does not. */
  readonly profileLimitsWaitForCooldown: boolean;
  /** How PercentChangeCount turns a percentage into instances. [I] undocumented; default: round the change up (at least 1). */
  readonly percentRounding: 'up' | 'down' | 'nearest';
}

export interface InstanceParameters {
  /** Seconds from the scale decision until the plan has the worker. [I] no official figure; reference §3 assumes 1-3 min. */
  readonly allocationS: number;
  /** Seconds from a worker to a Functions host pulling messages. [C] 5-60 s (cold-start measurements, reference §3). */
  readonly hostStartS: number;
  /**
   * Milliseconds the new instance's worker takes to load the order processor's package (require of the
   * bundle, functions registered), added to allocation + host start. [M] measured here by npm run bench
   * on 2026-12-01, 2-core Intel Xeon VM, Node 20.20.2 ("order processor cold load", median 193 ms: a
   * fresh Node process, no host around it).
   */
  readonly packageLoadMs: number;
}

export interface ConsumerParameters {
  /**
   * Share of one vCPU that one running invocation uses. [I] Order processing waits on Table storage
   * and Service Bus most of the time; 0.05 means 16 running invocations keep 0.8 vCPU busy. Sets the
   * CPU metric (idle + running invocations x share / vCPUs) and caps useful concurrency at vCPUs / share.
   */
  readonly cpuSharePerInvocation: number;
  /** CPU percentage of an idle instance (host, health checks, telemetry). [I] */
  readonly idleCpuPercent: number;
  /** Seconds a poison delivery holds a slot: the consumer rejects an invalid payload before any I/O. [I] */
  readonly poisonDeliveryS: number;
  /** Whether locked (in-flight) messages count in ActiveMessages. [I] Service Bus counts a message as active until it is settled. */
  readonly lockedMessagesAreActive: boolean;
  /**
   * CPU milliseconds the worker process spends on one order (claim, downstream steps, mark processed,
   * the invocation around them). [M] measured here by npm run bench on 2026-12-01, 2-core Intel Xeon
   * VM, Node 20.20.2 ("processor, CPU per order", median 1.86 ms): the built package, 16 concurrent,
   * against Azurite. Not included: the Functions host's own CPU (Service Bus receive and settlement,
   * gRPC), so it is a floor: a running invocation uses at least cpuMsPerOrder / processing time of a
   * vCPU, whatever cpuSharePerInvocation says.
   */
  readonly cpuMsPerOrder: number;
}

export interface ApiParameters {
  /**
   * CPU milliseconds the order API's worker spends on one valid POST /api/orders: body, validation,
   * the Service Bus send (to a loopback AMQP stand-in) and the 202. [M] measured here by npm run bench
   * on 2026-12-01, 2-core Intel Xeon VM, Node 20.20.2 ("API, CPU per request", median 1.18 ms). Not
   * included: the host's HTTP front end. Not used by the queue-side model yet (it does not model the
   * producer); for the API app's own scaling.
   */
  readonly cpuMsPerRequest: number;
}

export interface BeforeParameters {
  /**
   * Workers per instance of the synchronous API; undefined = the consumer's maxConcurrentCalls from the
   * bundled host.json. [I] No source for a synchronous API's worker limit (reference, "Unsourced"); the
   * same concurrency per instance as the queue consumer makes the comparison about the architecture,
   * not about tuning.
   */
  readonly workersPerInstance: number | undefined;
  /** Instances of the synchronous API; undefined = the default autoscale profile's `default` capacity (no autoscale). */
  readonly instances: number | undefined;
  /** Seconds after which the front end gives up on a request. [D] 230 s, App Service's load balancer limit (reference §7). */
  readonly timeoutS: number;
  /**
   * Whether a worker still processes a request whose client already timed out. [I] The front end does not
   * tell the instance; a request waiting in the worker's queue runs when its turn comes, so work done for
   * lost requests keeps the API overloaded.
   */
  readonly processesAbandonedRequests: boolean;
}

export interface ReportParameters {
  /** The latency target: p99 of enqueue-to-processed, seconds. Default 2 min. */
  readonly targetP99S: number;
  /** The backlog counts as drained when fewer than this many seconds of baseline arrivals wait. [I] */
  readonly drainedBelowBaselineSeconds: number;
  /** Seconds simulated after the surge ends, for the drain and the scale-in. */
  readonly tailS: number;
  /** Seconds simulated before the sale window (or the surge) starts. */
  readonly leadInS: number;
}

export interface ModelParameters {
  readonly seed: number;
  readonly autoscale: AutoscaleParameters;
  readonly instances: InstanceParameters;
  readonly consumer: ConsumerParameters;
  readonly api: ApiParameters;
  readonly before: BeforeParameters;
  readonly report: ReportParameters;
}

export const DEFAULT_MODEL: ModelParameters = {
  seed: 20261127,
  autoscale: {
    evaluationIntervalS: 60,
    metricDelayS: 180,
    // The docs conflict; the conceptual page's reading is the stricter one for a surge (a recent
    // scale-in's 10-minute cooldown also holds back a scale-out).
    cooldownMode: 'last-action',
    profileLimitsWaitForCooldown: false,
    percentRounding: 'up',
  },
  instances: {
    // 2 min allocation (middle of the reference's 1-3 min) + 30 s host start (middle of 5-60 s).
    allocationS: 120,
    hostStartS: 30,
    packageLoadMs: 200,
  },
  consumer: {
    cpuSharePerInvocation: 0.05,
    idleCpuPercent: 5,
    poisonDeliveryS: 0.005,
    lockedMessagesAreActive: true,
    cpuMsPerOrder: 1.9,
  },
  api: {
    cpuMsPerRequest: 1.2,
  },
  before: {
    workersPerInstance: undefined,
    instances: undefined,
    timeoutS: 230,
    processesAbandonedRequests: true,
  },
  report: {
    targetP99S: 120,
    drainedBelowBaselineSeconds: 1,
    tailS: 3600,
    leadInS: 900,
  },
};

/** Deep-merges overrides into the defaults (plain objects only). */
export function withModel(overrides: DeepPartial<ModelParameters> = {}, base: ModelParameters = DEFAULT_MODEL): ModelParameters {
  return mergeDeep(base, overrides);
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | undefined ? DeepPartial<NonNullable<T[K]>> | T[K] : T[K] };

export function mergeDeep<T>(base: T, overrides: unknown): T {
  if (overrides === undefined) return base;
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides) || typeof base !== 'object' || base === null) {
    return overrides as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    out[key] = mergeDeep((base as Record<string, unknown>)[key], value);
  }
  return out as T;
}
