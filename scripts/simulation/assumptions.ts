/**
 * Every parameter of the model that is not read from the synthesized stack or the workload, with its
 * default and where that default comes from (each with its source in ASSUMPTIONS.md). Tags:
 *   [D] stated in Microsoft docs or SDK source, [C] community evidence, [I] inference, no source,
 *   [M] measured here by `npm run bench` (the built packages through scripts/harness; see ASSUMPTIONS.md).
 * ASSUMPTIONS.md lists the same with the public documentation behind each.
 */

/** How the docs' two readings of cooldowns are simulated ([D, conflicting]: Azure Monitor's "Understanding autoscale settings" vs "Get started" pages, ASSUMPTIONS.md). */
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
  /** Seconds from the scale decision until the plan has the worker. [I] no official figure; 1-3 min assumed (ASSUMPTIONS.md). */
  readonly allocationS: number;
  /** Seconds from a worker to a Functions host pulling messages. [C] 5-60 s (cold-start measurements, ASSUMPTIONS.md). */
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
  /** CPU percentage of an idle instance (host, health checks, telemetry), of either app. [I] */
  readonly idleCpuPercent: number;
  /** Seconds a poison delivery holds a slot: the consumer rejects an invalid payload before any I/O. [I] */
  readonly poisonDeliveryS: number;
  /**
   * Whether locked (in-flight) messages count as active: in the ActiveMessages metric that autoscale
   * reads, and in the queue length (`ActiveMessageCount`) that target-based scaling divides by
   * maxConcurrentCalls. [I] Service Bus counts a message as active until it is settled
   * (message-counters.md: "active state"); one report (azure-sdk-for-js#38988 [C]) saw locked,
   * prefetched messages missing from activeMessageCount. `--locked-not-active` for that reading.
   */
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
   * the accept record, the Service Bus send (to a loopback AMQP stand-in) and the 202. [M] measured
   * here by npm run bench on 2026-12-01, 2-core Intel Xeon VM, Node 20.20.2 ("API, CPU per request",
   * median 1.18 ms). Not included: the host's HTTP front end (hostCpuMsPerRequest).
   */
  readonly cpuMsPerRequest: number;
  /**
   * CPU milliseconds the Functions host (.NET) spends on one request around the worker: the HTTP
   * front end and the gRPC hop to the Node worker. [I] not measured (the bench runs the worker
   * alone); of the order of the worker's own figure.
   */
  readonly hostCpuMsPerRequest: number;
  /**
   * Milliseconds a request waits on I/O besides CPU: the accept record in the orders table and the
   * Service Bus send, both in-region. Log-normal with this median and 99th percentile. [I] no figure
   * for our calls; in-region Table and Service Bus round trips are a few to a few tens of ms.
   */
  readonly ioMedianMs: number;
  readonly ioP99Ms: number;
  /**
   * Milliseconds the order API's package takes to load on a new instance. [M] npm run bench,
   * 2026-12-01 (README "Per package and per instance": order API cold load 215 ms).
   */
  readonly packageLoadMs: number;
}

/**
 * The Functions scale controller of an Elastic Premium plan (target-based scaling for the queue,
 * HTTP scaling for the API). Its code is not public; each value is documented or marked [I].
 */
export interface ElasticPremiumParameters {
  /**
   * Seconds between two looks of the scale controller. [I] The central controller's interval is not
   * documented; the host-side scale monitor samples every 10 s (ScaleOptions.ScaleMetricsSampleInterval
   * in Azure/azure-webjobs-sdk [D src]). The HTTP controller looks every second (httpScaleOutIntervalS).
   */
  readonly controllerIntervalS: number;
  /** Non-HTTP triggers get new instances at most once per this many seconds. [D] event-driven-scaling.md */
  readonly queueScaleOutIntervalS: number;
  /** Instances one target-based step adds at most. [D] functions-target-based-scaling.md ("scale up of four instances at a time") */
  readonly queueMaxStep: number;
  /** HTTP triggers get a new instance at most once per this many seconds. [D] event-driven-scaling.md */
  readonly httpScaleOutIntervalS: number;
  /**
   * CPU utilisation the HTTP controller keeps an instance at: it wants ceil(CPU demand / (vCPUs x
   * this)) instances. [I] Microsoft documents no concurrency target for HTTP on Elastic Premium; 0.7 is
   * the Dedicated plans' CPU scale-out threshold, so both kinds aim at the same load.
   */
  readonly httpTargetUtilisation: number;
  /**
   * Seconds the wanted count must stay below the running one before the controller removes an
   * instance. [I] The docs say only that the platform scales in "after a period"; KEDA's default
   * cooldown is 300 s [C].
   */
  readonly scaleInAfterS: number;
  /**
   * Seconds between two removals, one instance each. [D] for incremental scaling ("added or removed
   * a maximum of one worker at each new instance rate", functions-target-based-scaling.md), [I] for
   * target-based scale-in (undocumented).
   */
  readonly scaleInIntervalS: number;
  /**
   * Seconds from the controller's decision until the new instance exists (then host start and the
   * package load follow). [I] No Microsoft figure; Consumption and Flex cold starts, which include
   * allocation, are 1-30 s end to end [C]. `--ep-allocation 120s` gives the Dedicated figure.
   */
  readonly allocationS: number;
  /**
   * Whether the prewarmed buffer is billed while the app is busy. [D] Premium plan docs: once the
   * always-ready instances process events, a prewarmed instance is added and billed. Our processor
   * also answers health-check pings (HTTP), so it counts as busy; the buffer speeds up HTTP scale only.
   */
  readonly prewarmedBilled: boolean;
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
  /** Seconds after which the front end gives up on a request. [D] 230 s, App Service's load balancer limit (App Service FAQ, ASSUMPTIONS.md). */
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
  /**
   * The order API's latency target: p99 of POST /api/orders, seconds. [I] A checkout call answered
   * within a second; far above the API's unloaded latency, so it is missed only when the plan's CPUs
   * saturate.
   */
  readonly apiTargetP99S: number;
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
  readonly elasticPremium: ElasticPremiumParameters;
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
    hostCpuMsPerRequest: 1,
    ioMedianMs: 20,
    ioP99Ms: 200,
    packageLoadMs: 215,
  },
  elasticPremium: {
    controllerIntervalS: 10,
    queueScaleOutIntervalS: 30,
    queueMaxStep: 4,
    httpScaleOutIntervalS: 1,
    httpTargetUtilisation: 0.7,
    scaleInAfterS: 300,
    scaleInIntervalS: 30,
    allocationS: 10,
    prewarmedBilled: true,
  },
  before: {
    workersPerInstance: undefined,
    instances: undefined,
    timeoutS: 230,
    processesAbandonedRequests: true,
  },
  report: {
    targetP99S: 120,
    apiTargetP99S: 1,
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
