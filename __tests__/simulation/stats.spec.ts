import { percentilesByArrivalMinute, summarize } from '../../scripts/simulation/stats';

/** The nearest-rank percentile by sorting (NaN skipped, failures ranked last): the definition the selection must match. */
function byRank(values: ArrayLike<number>, p: number, failures = 0): number {
  const sorted = Float32Array.from(Array.from(values).filter((v) => !Number.isNaN(v))).sort();
  const rank = Math.ceil((p / 100) * (sorted.length + failures));
  if (sorted.length === 0) return NaN;
  return rank > sorted.length ? Infinity : sorted[Math.max(0, rank - 1)];
}

/** 0, 1/n, ... in a scrambled order that a fixed seed repeats (no Math.random: a failure must replay). */
function scrambled(n: number, distinct = n): Float32Array {
  return new Float32Array(n).map((_, i) => ((i * 7919) % n) % distinct);
}

describe('summarize', () => {
  it('selects the same nearest-rank percentiles as sorting, failures counting as never done', () => {
    // 10,001 distinct values (a permutation of 0..1000.0), one replaced by NaN: 10,000 latencies.
    const values = new Float32Array(10_001).map((_, i) => ((i * 7919) % 10_001) / 10);
    values[5] = NaN;
    const s = summarize(values, 50);
    expect([s.count, s.p50, s.p95, s.p99, s.max]).toEqual([10_000, byRank(values, 50), byRank(values, 95), byRank(values, 99), 1000]);
    // With 50 failures the population is 10,050: rank ceil(0.99 x 10,050) = 9,950.
    expect(s.p99WithFailures).toBe(byRank(values, 99, 50));
    // 200 failures of 10,200: rank 10,098 > 10,000 latencies: the p99 is a failure.
    expect(summarize(values, 200).p99WithFailures).toBe(Infinity);
  });

  it('matches sorting when most values repeat, and leaves its input as it was', () => {
    // 50,000 values from 7 distinct ones: the partitions meet runs of equal values.
    const values = scrambled(50_000, 7);
    const before = Float32Array.from(values);
    const s = summarize(values, 1_000);
    expect([s.p50, s.p95, s.p99, s.max, s.p99WithFailures]).toEqual([
      byRank(values, 50),
      byRank(values, 95),
      byRank(values, 99),
      6,
      byRank(values, 99, 1_000),
    ]);
    expect(values).toEqual(before);
  });

  it('finds the maximum wherever it is, also when it is the only value above the p99', () => {
    const values = new Float32Array(1_000).fill(1);
    values[0] = 9;
    expect(summarize(values)).toMatchObject({ p99: 1, max: 9 });
    expect(summarize(new Float32Array([4]))).toEqual({ count: 1, p50: 4, p95: 4, p99: 4, max: 4, p99WithFailures: 4 });
  });

  it('has no percentile of no latencies, even with failures', () => {
    expect(summarize(new Float32Array([NaN, NaN]), 3)).toEqual({ count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, p99WithFailures: NaN });
  });
});

describe('percentilesByArrivalMinute', () => {
  it("gives each minute its own orders' p50 and p99, NaN for a minute without a latency", () => {
    // Minute 0: 2,000 orders; minute 1: none; minute 2: one order whose latency is NaN; minute 3: 701.
    const minute0 = scrambled(2_000);
    const minute3 = scrambled(701).map((v) => v + 0.5);
    const arrivalS = Float64Array.from([...Array.from(minute0, (_, i) => (i * 60) / 2_000), 150, ...Array.from(minute3, () => 199.5)]);
    const latencyS = Float32Array.from([...minute0, NaN, ...minute3]);
    expect(percentilesByArrivalMinute(arrivalS, latencyS, 5)).toEqual([
      { p50: byRank(minute0, 50), p99: byRank(minute0, 99) },
      { p50: NaN, p99: NaN },
      { p50: NaN, p99: NaN },
      { p50: byRank(minute3, 50), p99: byRank(minute3, 99) },
      { p50: NaN, p99: NaN },
    ]);
  });
});
