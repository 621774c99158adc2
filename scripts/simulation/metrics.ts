import { aggregate, type MetricSource } from './autoscale-engine';
import type { MetricName, Statistic } from './autoscale-setting';

/**
 * The platform's metric store: one sample per simulated second for each metric the rules read.
 * A grain's value combines the samples inside it with the rule's `statistic` [D]. For the queue's
 * ActiveMessages, a point-in-time count, the statistic only aggregates within the grain [I]; for the
 * plan's CPU the sample is already the average over the ready instances [I].
 */
export class SecondSamples implements MetricSource {
  private readonly series: Record<MetricName, Float64Array>;
  private recorded = 0;

  constructor(seconds: number) {
    this.series = { ActiveMessages: new Float64Array(seconds).fill(NaN), CpuPercentage: new Float64Array(seconds).fill(NaN) };
  }

  /** The state during second `second` (sampled at its end). NaN: no sample (e.g. no ready instance reports CPU). */
  record(second: number, values: Record<MetricName, number>): void {
    this.series.ActiveMessages[second] = values.ActiveMessages;
    this.series.CpuPercentage[second] = values.CpuPercentage;
    this.recorded = Math.max(this.recorded, second + 1);
  }

  grainValue(metric: MetricName, statistic: Statistic, startS: number, grainS: number): number | undefined {
    const series = this.series[metric];
    const end = Math.min(startS + grainS, this.recorded);
    const values: number[] = [];
    for (let s = Math.max(0, startS); s < end; s++) {
      const v = series[s];
      // v === v is false only for NaN (no global lookup in the loop: slow inside Jest's VM context).
      if (v === v) values.push(v);
    }
    return aggregate(statistic, values);
  }
}

/** A metric source from plain functions of the grain's start, for tests of the engine. */
export function metricFunctions(values: Partial<Record<MetricName, (grainStartS: number) => number | undefined>>): MetricSource {
  return { grainValue: (metric, _statistic, startS) => values[metric]?.(startS) };
}
