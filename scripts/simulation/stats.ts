/**
 * Exact percentiles (nearest rank) of simulated latencies; NaN entries are skipped. Selection instead
 * of sorting: two million latencies per side take milliseconds.
 */

export interface LatencySummary {
  /** Orders with a latency (succeeded or, on the queue side, unfinished at the end with their age). */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** p99 over these orders plus `failures` that never complete (counted as infinitely late): what the target checks. */
  readonly p99WithFailures: number;
}

/** The finite values (NaN dropped) in a new array. */
function finite(values: Float32Array): Float32Array {
  let n = 0;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v === v is false only for NaN (no global lookup in the loop: slow inside Jest's VM context).
    if (v === v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/** Moves the k-th smallest value (0-based) of a[lo..hi] to a[k], smaller ones before it (Hoare's selection). */
function select(a: Float32Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Nearest-rank percentiles of `values` (reordered in place), for ascending `ps`; ranks beyond the values give Infinity. */
function percentiles(values: Float32Array, ps: readonly number[], population = values.length): number[] {
  const n = values.length;
  let lo = 0;
  return ps.map((p) => {
    const rank = Math.ceil((p / 100) * population);
    if (n === 0) return NaN;
    if (rank > n) return Number.POSITIVE_INFINITY;
    const k = Math.max(0, rank - 1);
    const v = select(values, k, lo, n - 1);
    lo = k;
    return v;
  });
}

export function summarize(values: Float32Array, failures = 0): LatencySummary {
  const a = finite(values);
  const [p50, p95, p99] = percentiles(a, [50, 95, 99]);
  const [p99WithFailures] = percentiles(a, [99], a.length + failures);
  let max = a.length > 0 ? a[0] : NaN;
  for (let i = 1; i < a.length; i++) if (a[i] > max) max = a[i];
  return { count: a.length, p50, p95, p99, max, p99WithFailures };
}

/** p50 and p99 of the orders that arrived in each minute (orders are in arrival order). */
export function percentilesByArrivalMinute(
  arrivalS: Float64Array,
  latencyS: Float32Array,
  minutes: number,
): Array<{ p50: number; p99: number }> {
  const out: Array<{ p50: number; p99: number }> = [];
  let i = 0;
  for (let m = 0; m < minutes; m++) {
    const start = i;
    const limit = (m + 1) * 60;
    while (i < latencyS.length && arrivalS[i] < limit) i++;
    const [p50, p99] = percentiles(finite(latencyS.subarray(start, i)), [50, 99]);
    out.push({ p50, p99 });
  }
  return out;
}
