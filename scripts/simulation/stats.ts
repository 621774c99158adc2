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

/** Copies the finite values (NaN dropped) of `values[from..to)` to the start of `out`; returns how many. */
function copyFinite(values: Float32Array, from: number, to: number, out: Float32Array): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    // v === v is false only for NaN (no global lookup in the loop: slow inside Jest's VM context).
    if (v === v) out[n++] = v;
  }
  return n;
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Moves the k-th smallest value (0-based) of a[lo..hi] to a[k], smaller ones before it and larger ones
 * after it (Floyd and Rivest's SELECT, 1975). On a large range it first selects within a sample-sized
 * window around k, so the partition that follows splits close to k: about 1.5 comparisons per value
 * for a median, where a middle pivot needs over 3.
 */
function select(a: Float32Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    if (hi - lo > 600) {
      const n = hi - lo + 1;
      const i = k - lo + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i < n / 2 ? -1 : 1);
      select(a, k, Math.max(lo, Math.floor(k - (i * s) / n + sd)), Math.min(hi, Math.floor(k + ((n - i) * s) / n + sd)));
    }
    // Partition a[lo..hi] around t = a[k]; t ends at j.
    const t = a[k];
    let i = lo;
    let j = hi;
    swap(a, lo, k);
    if (a[hi] > t) swap(a, lo, hi);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[lo] === t) swap(a, lo, j);
    else swap(a, ++j, hi);
    if (j <= k) lo = j + 1;
    if (k <= j) hi = j - 1;
  }
  return a[k];
}

/**
 * Nearest-rank percentiles of a[0..n), reordered in place. `ranks` are 1-based and ascending; a rank
 * beyond n gives Infinity (a failure that never completes), and every rank gives NaN when n is 0.
 * Each selection starts where the previous one left its value, so later ones scan only the rest.
 */
function valuesAtRanks(a: Float32Array, n: number, ranks: readonly number[]): number[] {
  let lo = 0;
  return ranks.map((rank) => {
    if (n === 0) return NaN;
    if (rank > n) return Infinity;
    const k = rank < 1 ? 0 : rank - 1;
    const v = select(a, k, lo, n - 1);
    lo = k;
    return v;
  });
}

const rankOf = (p: number, population: number) => Math.ceil((p / 100) * population);

export function summarize(values: Float32Array, failures = 0): LatencySummary {
  const a = new Float32Array(values.length);
  const n = copyFinite(values, 0, values.length, a);
  // With failures the population is larger, so that rank is never below the plain p99's.
  const [p50, p95, p99, p99WithFailures] = valuesAtRanks(a, n, [rankOf(50, n), rankOf(95, n), rankOf(99, n), rankOf(99, n + failures)]);
  // Everything from the p99's place on is at least the p99: the maximum is among those.
  const from = n > 0 ? rankOf(99, n) - 1 : 0;
  let max = n > 0 ? a[from] : NaN;
  for (let i = from + 1; i < n; i++) if (a[i] > max) max = a[i];
  return { count: n, p50, p95, p99, max, p99WithFailures };
}

/** p50 and p99 of the orders that arrived in each minute (orders are in arrival order). */
export function percentilesByArrivalMinute(
  arrivalS: Float64Array,
  latencyS: Float32Array,
  minutes: number,
): Array<{ p50: number; p99: number }> {
  const out: Array<{ p50: number; p99: number }> = [];
  // One buffer for every minute's finite latencies, reused.
  const scratch = new Float32Array(latencyS.length);
  const total = latencyS.length;
  let i = 0;
  for (let m = 0; m < minutes; m++) {
    const start = i;
    const limit = (m + 1) * 60;
    while (i < total && arrivalS[i] < limit) i++;
    const n = copyFinite(latencyS, start, i, scratch);
    const [p50, p99] = valuesAtRanks(scratch, n, [rankOf(50, n), rankOf(99, n)]);
    out.push({ p50, p99 });
  }
  return out;
}
