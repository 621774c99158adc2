import type { ModelParameters } from './assumptions';
import type { ScaleDecision } from './autoscale-engine';
import { SecondSamples } from './metrics';
import { planScaler } from './plan-scaler';
import { meanWaitGivenWaitS, STATIONARY_RHO_CAP, waitProbability } from './queueing';
import { logNormalFromMedianP99, Random } from './random';
import type { StackModel } from './stack-model';
import type { Orders } from './workload';

/**
 * The order API on its own plan: each order is one POST /api/orders at its arrival time.
 *
 *  - A request needs the worker's CPU (api.cpuMsPerRequest [M]) plus the host's (hostCpuMsPerRequest
 *    [I]) on one of the ready instances' vCPUs, and waits on I/O (the accept record and the Service
 *    Bus send, log-normal [I]). Latency = I/O + CPU time + the wait for a free vCPU.
 *  - The wait: M/M/c on all ready vCPUs of the plan (a perfect load balancer [I]), each second
 *    stationary, with a fluid backlog when the CPUs cannot keep up (queueing.ts). The host accepts
 *    every request (maxOutstandingRequests is unbounded on these plans [D]); one that would wait past
 *    the front end's timeout (before.timeoutS, 230 s [D]) fails.
 *  - Dedicated: Azure Monitor autoscale on the plan's CpuPercentage with the API plan's own rules,
 *    read from the stack. Elastic Premium: the HTTP scale controller (elastic-scaler.ts), at most one
 *    new instance per second; a prewarmed instance serves at once and the buffer refills behind it [D].
 *  - The counterfactual "shared" plan, as before the split: the same requests on the PROCESSOR's
 *    ready instances, with the vCPUs its running deliveries use taken away (queue-consumer.ts's
 *    per-second CPU) [I]. It shows what the split buys: the API's latency no longer depends on the
 *    processor's backlog work.
 */

export interface ApiMinuteRow {
  readonly minute: number;
  readonly requests: number;
  /** Instances set at the minute's end (starting ones included). */
  readonly instances: number;
  readonly readyInstances: number;
  /** CPU demand over the ready vCPUs, averaged over the minute (above 1: the CPUs fall behind). */
  readonly utilisation: number;
  /** The same on the processor's instances, with its deliveries' CPU (the shared counterfactual). */
  readonly sharedUtilisation: number;
}

export interface ApiSideResult {
  /** Arrival to response per request; NaN for a request that timed out. */
  readonly latencyS: Float32Array;
  readonly timedOut: number;
  /** The same requests on the processor's instances (the shared counterfactual). */
  readonly sharedLatencyS: Float32Array;
  readonly sharedTimedOut: number;
  readonly minutes: readonly ApiMinuteRow[];
  /** Instances serving, per second. */
  readonly ready: Float32Array;
  /** Instance-seconds billed (prewarmed buffer included on Elastic Premium). */
  readonly instanceSeconds: number;
  /** CPU seconds of one request (worker + host). */
  readonly cpuSPerRequest: number;
  readonly decisions: readonly ScaleDecision[];
  readonly holds: ReadonlyArray<{ readonly timeS: number; readonly reason: string }>;
}

export interface ApiSideInput {
  readonly stack: StackModel;
  readonly model: ModelParameters;
  readonly orders: Orders;
  readonly originMs: number;
  readonly spanS: number;
  /** Per second: the processor's vCPUs busy with deliveries and its ready instances. */
  readonly processor: { readonly busyVcpu: Float32Array; readonly ready: Uint16Array };
}

// Bound once: a global lookup in a loop (Math.floor, NaN) is slow inside Jest's VM context.
const { exp, floor, log, min, max } = Math;

export function simulateApiSide(input: ApiSideInput): ApiSideResult {
  const { stack, model, orders, originMs, spanS } = input;
  const app = stack.apps.orderApi;
  const vcpu = app.plan.facts.vcpu;
  const processorVcpu = stack.apps.orderProcessor.plan.facts.vcpu;
  const cpuS = (model.api.cpuMsPerRequest + model.api.hostCpuMsPerRequest) / 1000;
  const timeoutS = model.before.timeoutS;
  const idle = model.consumer.idleCpuPercent;
  const scaler = planScaler(app, { model, originMs, trigger: 'http', packageLoadMs: model.api.packageLoadMs });
  const samples = new SecondSamples(spanS);
  const target = model.elasticPremium.httpTargetUtilisation;
  const smoothing = max(1, model.elasticPremium.controllerIntervalS);

  // Instances: ready times of the live ones (ids never reused), and the prewarmed buffer.
  const live: number[] = [];
  for (let i = 0; i < scaler.initialInstances; i++) live.push(0);
  const prewarmed = app.kind === 'elasticPremium' ? min(app.prewarmed, max(0, app.appScaleLimit - live.length)) : 0;
  /** Times at which each prewarmed instance is (or will be) warm. */
  const warmAt: number[] = Array.from({ length: prewarmed }, () => 0);

  const ready = new Float32Array(spanS);
  const capacity = new Float32Array(spanS);
  const demandPerSecond = new Float32Array(spanS);
  const backlogS = new Float32Array(spanS);
  const sharedCapacity = new Float32Array(spanS);
  const sharedBacklogS = new Float32Array(spanS);
  const minutes: ApiMinuteRow[] = [];
  let instanceSeconds = 0;
  let ownBacklog = 0;
  let sharedBacklog = 0;
  let next = 0;
  let recentDemand = 0;
  const window: number[] = [];
  let minuteRequests = 0;
  let minuteUtil = 0;
  let minuteShared = 0;

  for (let s = 0; s < spanS; s++) {
    const first = next;
    while (next < orders.count && orders.arrivalS[next] < s + 1) next++;
    const requests = next - first;
    const demand = requests * cpuS;
    let readyNow = 0;
    for (const at of live) if (at <= s) readyNow++;
    ready[s] = readyNow;
    const c = readyNow * vcpu;
    capacity[s] = c;
    demandPerSecond[s] = demand;
    // Work beyond the CPUs' capacity waits for the next second (fluid backlog, in CPU-seconds).
    backlogS[s] = ownBacklog;
    ownBacklog = max(0, ownBacklog + demand - c);
    const procC = input.processor.ready[s] * processorVcpu;
    // [I] Floor: the API's requests keep a small share of the CPUs even when the deliveries want all of them.
    const cShared = max(procC - input.processor.busyVcpu[s], 0.05 * procC);
    sharedCapacity[s] = cShared;
    sharedBacklogS[s] = sharedBacklog;
    sharedBacklog = max(0, sharedBacklog + demand - cShared);

    const cpu = c > 0 ? min(100, idle + (100 * demand) / c) : NaN;
    samples.record(s, { ActiveMessages: NaN, CpuPercentage: cpu });
    instanceSeconds += live.length + scaler.extraBilled(live.length);
    minuteRequests += requests;
    minuteUtil += c > 0 ? demand / c : 0;
    minuteShared += cShared > 0 ? demand / cShared : 0;

    window.push(demand);
    recentDemand += demand;
    if (window.length > smoothing) recentDemand -= window.shift()!;
    const end = s + 1;
    const wanted = recentDemand / window.length / (vcpu * target);
    const count = scaler.after(end, live.length, { samples, desired: wanted });
    if (count !== undefined && count > live.length) {
      while (live.length < count) {
        // A warm prewarmed instance turns active at once; a new one warms behind it.
        const w = warmAt.findIndex((at) => at <= end);
        if (w >= 0) {
          live.push(end);
          warmAt[w] = end + scaler.startupS;
        } else {
          live.push(end + scaler.startupS);
        }
      }
    } else if (count !== undefined && count < live.length) {
      // Instances still starting go first, then the newest (HTTP requests are short: no drain modelled).
      live.sort((a, b) => a - b);
      live.length = count;
    }

    if (end % 60 === 0 || end === spanS) {
      const seconds = end % 60 === 0 ? 60 : end % 60;
      let readyEnd = 0;
      for (const at of live) if (at <= end) readyEnd++;
      minutes.push({
        minute: Math.floor(s / 60),
        requests: minuteRequests,
        instances: live.length,
        readyInstances: readyEnd,
        utilisation: minuteUtil / seconds,
        sharedUtilisation: minuteShared / seconds,
      });
      minuteRequests = minuteUtil = minuteShared = 0;
    }
  }

  // Each request's latency from its second's state: per second the fluid backlog's wait, the
  // probability of waiting and the mean wait of one that waits; per request the random draws. The
  // same draws for both plans, so the difference between them is the CPUs' alone.
  const backlogWaitS = (backlog: Float32Array, c: Float32Array) =>
    Float32Array.from(backlog, (b, i) => (c[i] > 0 ? b / c[i] : Number.POSITIVE_INFINITY));
  const waitOdds = (c: Float32Array) =>
    Float32Array.from(c, (ci, i) => (ci > 0 ? waitProbability(ci, min(demandPerSecond[i] / ci, STATIONARY_RHO_CAP)) : 1));
  const waitMeanS = (c: Float32Array) =>
    Float32Array.from(c, (ci, i) => (ci > 0 ? meanWaitGivenWaitS(ci, min(demandPerSecond[i] / ci, STATIONARY_RHO_CAP), cpuS) : 0));
  const own = { fluid: backlogWaitS(backlogS, capacity), odds: waitOdds(capacity), mean: waitMeanS(capacity) };
  const theirs = { fluid: backlogWaitS(sharedBacklogS, sharedCapacity), odds: waitOdds(sharedCapacity), mean: waitMeanS(sharedCapacity) };
  const { mu, sigma } = logNormalFromMedianP99(model.api.ioMedianMs / 1000, model.api.ioP99Ms / 1000);
  const io = new Random(model.seed, 'api-io');
  const service = new Random(model.seed, 'api-service');
  const waits = new Random(model.seed, 'api-wait');
  const latencyS = new Float32Array(next).fill(NaN);
  const sharedLatencyS = new Float32Array(next).fill(NaN);
  let timedOut = 0;
  let sharedTimedOut = 0;
  for (let o = 0; o < next; o++) {
    const s = min(spanS - 1, floor(orders.arrivalS[o]));
    const base = exp(mu + sigma * io.normal()) - log(1 - service.next()) * cpuS;
    const u = waits.next();
    const e = -log(1 - waits.next());
    const mine = base + own.fluid[s] + (u < own.odds[s] ? e * own.mean[s] : 0);
    if (mine > timeoutS) timedOut++;
    else latencyS[o] = mine;
    const shared = base + theirs.fluid[s] + (u < theirs.odds[s] ? e * theirs.mean[s] : 0);
    if (shared > timeoutS) sharedTimedOut++;
    else sharedLatencyS[o] = shared;
  }

  return {
    latencyS,
    timedOut,
    sharedLatencyS,
    sharedTimedOut,
    minutes,
    ready,
    instanceSeconds,
    cpuSPerRequest: cpuS,
    decisions: scaler.decisions,
    holds: scaler.holds,
  };
}
