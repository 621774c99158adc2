import { backoffCeilingMs, CONSUMER_RETRY_POLICY, type RetryPolicy } from '../../functions/resilience/retry-policy';
import { wallClockToInstant } from '../../lib/config/time-zones';
import { logNormalFromMedianP99, Random } from './random';

/**
 * The offered load: a baseline rate with one surge (linear ramp up, hold, linear ramp down), each
 * order's processing time, and the share of orders that fail transiently or are poison. The same
 * orders (arrival times, kinds, processing times) feed the queue side and the synchronous side.
 */

export interface SurgeProfile {
  /** Peak rate as a multiple of the baseline. */
  readonly multiplier: number;
  /** Wall-clock time in `timeZone` at which the ramp up starts: `YYYY-MM-DDTHH:mm:ss`. */
  readonly start: string;
  /** Windows time zone name, as the stack's sale windows use. */
  readonly timeZone: string;
  /** Seconds of each linear ramp (up and down). */
  readonly rampS: number;
  /** Seconds at the peak rate, between the ramps. */
  readonly holdS: number;
}

export interface WorkloadProfile {
  /** Orders per second outside the surge. */
  readonly baselinePerSecond: number;
  readonly surge: SurgeProfile;
  /** Processing time of one successful delivery: log-normal with this median and 99th percentile. */
  readonly processing: { readonly medianMs: number; readonly p99Ms: number };
  /** Share of orders whose first delivery fails after the consumer's in-invocation retries; the redelivery succeeds. */
  readonly transientFailureRate: number;
  /** Share of orders with an invalid payload: every delivery fails, so Service Bus dead-letters them. */
  readonly poisonRate: number;
  /** `poisson`: exponential gaps (real traffic); `even`: evenly spaced (for cases worked out by hand). */
  readonly arrivals: 'poisson' | 'even';
}

/** The default scenario: Black Friday at 10:00 Berlin time inside prod's `black-friday-2026` sale window. */
export const DEFAULT_WORKLOAD: WorkloadProfile = {
  baselinePerSecond: 20,
  surge: { multiplier: 10, start: '2026-11-27T10:00:00', timeZone: 'W. Europe Standard Time', rampS: 15 * 60, holdS: 2 * 3600 },
  processing: { medianMs: 150, p99Ms: 1000 },
  transientFailureRate: 0.005,
  poisonRate: 0.0005,
  arrivals: 'poisson',
};

// Module constants: global lookups are slow in hot loops inside Jest's VM context.
const { sqrt } = Math;

export const ORDER_NORMAL = 0;
export const ORDER_TRANSIENT = 1;
export const ORDER_POISON = 2;

/** The surge's phases as instants (epoch ms). */
export interface SurgeInstants {
  readonly rampUpStartMs: number;
  readonly holdStartMs: number;
  readonly holdEndMs: number;
  readonly rampDownEndMs: number;
}

export function surgeInstants(workload: WorkloadProfile): SurgeInstants {
  const s = workload.surge;
  const rampUpStartMs = wallClockToInstant(s.start, s.timeZone).getTime();
  const holdStartMs = rampUpStartMs + s.rampS * 1000;
  const holdEndMs = holdStartMs + s.holdS * 1000;
  return { rampUpStartMs, holdStartMs, holdEndMs, rampDownEndMs: holdEndMs + s.rampS * 1000 };
}

/** The rate as a piecewise-linear function: breakpoints (seconds since `originMs`, orders/s). */
export function rateBreakpoints(workload: WorkloadProfile, originMs: number): Array<{ t: number; rate: number }> {
  const i = surgeInstants(workload);
  const base = workload.baselinePerSecond;
  const peak = base * workload.surge.multiplier;
  const at = (ms: number) => (ms - originMs) / 1000;
  return [
    { t: -Infinity, rate: base },
    { t: at(i.rampUpStartMs), rate: base },
    { t: at(i.holdStartMs), rate: peak },
    { t: at(i.holdEndMs), rate: peak },
    { t: at(i.rampDownEndMs), rate: base },
    { t: Infinity, rate: base },
  ];
}

/** Orders per second offered at `t` seconds since `originMs`. */
export function rateAt(workload: WorkloadProfile, originMs: number, t: number): number {
  const points = rateBreakpoints(workload, originMs);
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    if (t < b.t) {
      if (!Number.isFinite(a.t) || b.t === a.t) return a.rate;
      return a.rate + ((b.rate - a.rate) * (t - a.t)) / (b.t - a.t);
    }
  }
  return points[points.length - 1].rate;
}

/** The orders of one run, in arrival order; times in seconds since the span's start. */
export interface Orders {
  readonly count: number;
  readonly arrivalS: Float64Array;
  readonly kind: Uint8Array;
  /** Duration of a successful delivery. */
  readonly processingS: Float32Array;
  /** Duration of a delivery that fails transiently: every in-invocation attempt plus the backoffs between them. */
  readonly failedDeliveryS: Float32Array;
}

export interface OrderGenerationOptions {
  readonly seed: number;
  /** Epoch ms of the span's start. */
  readonly originMs: number;
  readonly spanS: number;
  /** The consumer's in-invocation retries. @default functions/resilience/retry-policy CONSUMER_RETRY_POLICY */
  readonly retryPolicy?: RetryPolicy;
}

export function generateOrders(workload: WorkloadProfile, options: OrderGenerationOptions): Orders {
  const segments = rateSegments(workload, options.originMs, options.spanS);
  const expected = segments.reduce((sum, s) => sum + s.total, 0);
  let capacity = Math.ceil(expected + 6 * Math.sqrt(expected) + 16);
  let arrivalS = new Float64Array(capacity);
  let count = 0;

  // Time rescaling: unit-rate events in cumulative-intensity space, mapped back through the inverse of
  // the integrated rate, which is exact for a piecewise-linear rate (also where it is zero).
  const gaps = new Random(options.seed, 'arrivals');
  const nextGap = workload.arrivals === 'even' ? () => 1 : () => gaps.exponential();
  let target = nextGap();
  let before = 0;
  for (const s of segments) {
    while (target <= before + s.total) {
      if (count === capacity) {
        capacity *= 2;
        const grown = new Float64Array(capacity);
        grown.set(arrivalS);
        arrivalS = grown;
      }
      const at = s.start + offsetWithin(s, target - before);
      // The span is [0, spanS): an arrival exactly at its end belongs to the next one.
      if (at >= options.spanS) break;
      arrivalS[count++] = at;
      target += nextGap();
    }
    before += s.total;
  }
  arrivalS = arrivalS.slice(0, count);

  const kinds = new Random(options.seed, 'kinds');
  const durations = new Random(options.seed, 'processing');
  const jitter = new Random(options.seed, 'retry-jitter');
  const { mu, sigma } = logNormalFromMedianP99(workload.processing.medianMs / 1000, workload.processing.p99Ms / 1000);
  const { exp, min } = Math;
  const sample = () => exp(mu + sigma * durations.normal());
  const policy = options.retryPolicy ?? CONSUMER_RETRY_POLICY;

  const kind = new Uint8Array(count);
  const processingS = new Float32Array(count);
  const failedDeliveryS = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = kinds.next();
    kind[i] =
      u < workload.poisonRate ? ORDER_POISON : u < workload.poisonRate + workload.transientFailureRate ? ORDER_TRANSIENT : ORDER_NORMAL;
    processingS[i] = sample();
    if (kind[i] === ORDER_TRANSIENT) {
      // The consumer's withRetry: maxAttempts attempts, each assumed as long as a normal delivery [I],
      // with "equal jitter" backoff between them (half the ceiling for sure, half at random).
      let total = 0;
      for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
        total += min(sample(), policy.attemptTimeoutMs / 1000);
        if (attempt < policy.maxAttempts) {
          const ceiling = backoffCeilingMs(policy, attempt) / 1000;
          total += ceiling / 2 + jitter.next() * (ceiling / 2);
        }
      }
      failedDeliveryS[i] = total;
    }
  }
  return { count, arrivalS, kind, processingS, failedDeliveryS };
}

interface RateSegment {
  readonly start: number;
  readonly length: number;
  readonly r0: number;
  readonly r1: number;
  /** Expected arrivals in the segment. */
  readonly total: number;
}

function rateSegments(workload: WorkloadProfile, originMs: number, spanS: number): RateSegment[] {
  const cuts = [0, spanS, ...rateBreakpoints(workload, originMs).map((p) => p.t)].filter((t) => t >= 0 && t <= spanS).sort((a, b) => a - b);
  const segments: RateSegment[] = [];
  for (let k = 1; k < cuts.length; k++) {
    const start = cuts[k - 1];
    const length = cuts[k] - start;
    if (length <= 0) continue;
    // Just inside each end: the rate jumps at a zero-length ramp.
    const r0 = rateAt(workload, originMs, start + length * 1e-9);
    const r1 = rateAt(workload, originMs, cuts[k] - length * 1e-9);
    segments.push({ start, length, r0, r1, total: ((r0 + r1) / 2) * length });
  }
  return segments;
}

/** x in [0, length] with integral of the segment's linear rate from 0 to x equal to `c`. */
function offsetWithin(s: RateSegment, c: number): number {
  const a = (s.r1 - s.r0) / (2 * s.length);
  const b = s.r0;
  const d = b * b + 4 * a * c;
  const root = sqrt(d > 0 ? d : 0);
  const x = b + root > 0 ? (2 * c) / (b + root) : 0;
  return x < 0 ? 0 : x > s.length ? s.length : x;
}
