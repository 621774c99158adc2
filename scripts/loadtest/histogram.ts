import * as hdr from 'hdr-histogram-js';

/** Latency percentiles with hdr-histogram-js, recorded in microseconds, reported in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export class LatencyHistogram {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });

  record(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): Percentiles {
    const max = this.count > 0 ? this.histogram.maxValue / 1000 : NaN;
    // A percentile is the top of its bucket (3 significant digits); never above the exact maximum.
    const at = (p: number) => (this.count > 0 ? Math.min(max, this.histogram.getValueAtPercentile(p) / 1000) : NaN);
    return { count: this.count, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max };
  }
}
