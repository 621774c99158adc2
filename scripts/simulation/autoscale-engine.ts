import type { AutoscaleParameters } from './assumptions';
import {
  activeProfile,
  type AutoscaleProfile,
  type AutoscaleSetting,
  type ComparisonOperator,
  type MetricName,
  type ScaleAction,
  type ScaleRule,
  type Statistic,
  type TimeAggregation,
} from './autoscale-setting';

/**
 * Azure Monitor autoscale, one run at a time. Facts, each with its source in ASSUMPTIONS.md:
 *
 *  - [D] Each run picks the profile (a fixed-date one that covers the instant, else the default),
 *    enforces its min/max, then evaluates that profile's rules only.
 *  - [D] A rule's value: each grain (timeGrain) combines its samples with `statistic`; `timeAggregation`
 *    combines the grains in the look-back `timeWindow`; divided by the current instance count when
 *    `divideByInstanceCount`; compared with the threshold.
 *  - [C] The look-back ends `metricDelayS` before the run (metrics arrive late); only complete grains count.
 *  - [D] Scale out if ANY out-rule fires, to the highest resulting count; scale in only if no out-rule
 *    fires and ALL in-rules fire, by the smallest decrease.
 *  - [D] Flapping guard, scale-in only: project each out-rule's value at the new count (value x current /
 *    new); try counts from the target up towards the current one and take the first that trips no
 *    out-rule; skip the scale-in when none does.
 *  - [D, conflicting] Cooldown after each scale action: see CooldownMode.
 *  - [D] Missing metrics: below the profile's default, scale to the default; above it, never scale in.
 *  - Results are clamped to the profile's min/max [D].
 */

export interface MetricSource {
  /** One grain [startS, startS + grainS) combined with `statistic`; undefined when it holds no sample. */
  grainValue(metric: MetricName, statistic: Statistic, startS: number, grainS: number): number | undefined;
}

export interface RuleEvaluation {
  readonly rule: ScaleRule;
  /** After the division by the instance count; undefined when the window holds no data. */
  readonly value: number | undefined;
  readonly fires: boolean;
}

/** `always-ready`: the Elastic Premium scale controller meets the (scheduled) always-ready count. */
export type DecisionReason = 'scale-out' | 'scale-in' | 'profile-limits' | 'missing-metrics' | 'always-ready';

export interface ScaleDecision {
  readonly timeS: number;
  readonly from: number;
  readonly to: number;
  readonly reason: DecisionReason;
  /** The autoscale profile in force, or on Elastic Premium the sale window (`everyday` outside them). */
  readonly profile: string;
  /** The rule whose action was taken (on Elastic Premium, the count the controller wanted). */
  readonly rule?: string;
  /** Set when the flapping guard scaled in by fewer than the rule asked for. */
  readonly flapping?: string;
}

export interface Evaluation {
  readonly timeS: number;
  readonly profile: string;
  readonly capacity: number;
  readonly rules: readonly RuleEvaluation[];
  readonly decision?: ScaleDecision;
  /** Why nothing happened although a rule fired: cooldown or flapping. */
  readonly held?: string;
}

export interface EngineOptions {
  /** Epoch ms of simulated second 0 (fixed-date profiles are instants). */
  readonly originMs: number;
  readonly initialCapacity: number;
}

export class AutoscaleEngine {
  private current: number;
  private lastAction: { readonly timeS: number; readonly cooldownS: number } | undefined;
  readonly decisions: ScaleDecision[] = [];
  /** Runs in which a firing rule was held back (cooldown, flapping), for the report. */
  readonly holds: Array<{ readonly timeS: number; readonly reason: string }> = [];

  constructor(
    private readonly setting: AutoscaleSetting,
    private readonly params: AutoscaleParameters,
    private readonly options: EngineOptions,
  ) {
    this.current = options.initialCapacity;
  }

  /** The instance count autoscale has set (instances still starting included). */
  get capacity(): number {
    return this.current;
  }

  /** Whether `t` is a run of the engine (runs happen every evaluationIntervalS from second 0). */
  isRunAt(timeS: number): boolean {
    return timeS % this.params.evaluationIntervalS === 0;
  }

  evaluate(timeS: number, metrics: MetricSource): Evaluation {
    const profile = activeProfile(this.setting, this.options.originMs + timeS * 1000);
    const capacity = this.current;
    const base = { timeS, profile: profile.name, capacity };

    // Profile limits first: the jump to a new profile's minimum (or down to its maximum).
    const clamped = clamp(capacity, profile);
    if (clamped !== capacity) {
      if (this.params.profileLimitsWaitForCooldown && this.inCooldown(timeS, undefined)) {
        return this.hold({ ...base, rules: [] }, 'profile limits wait for the cooldown');
      }
      return this.decide(
        { ...base, rules: [] },
        { timeS, from: capacity, to: clamped, reason: 'profile-limits', profile: profile.name },
        undefined,
      );
    }

    const rules = profile.rules.map((rule) => this.evaluateRule(rule, timeS, capacity, metrics));
    const evaluation = { ...base, rules };
    const missing = rules.some((r) => r.value === undefined);
    if (missing && capacity < profile.default) {
      return this.decide(
        evaluation,
        { timeS, from: capacity, to: profile.default, reason: 'missing-metrics', profile: profile.name },
        undefined,
      );
    }

    const outs = rules.filter((r) => r.rule.action.direction === 'Increase');
    const ins = rules.filter((r) => r.rule.action.direction === 'Decrease');
    const firedOut = outs.filter((r) => r.fires);
    if (firedOut.length > 0) {
      const eligible = firedOut.filter((r) => !this.inCooldown(timeS, r.rule.action));
      if (eligible.length === 0) return this.hold(evaluation, 'scale-out held by cooldown');
      // The highest resulting count wins.
      const { rule: best, target } = this.highestResult(eligible, capacity, profile);
      if (target <= capacity) return this.hold(evaluation, 'scale-out at the profile maximum');
      return this.decide(
        evaluation,
        { timeS, from: capacity, to: target, reason: 'scale-out', profile: profile.name, rule: best.rule.name },
        best.rule.action,
      );
    }

    if (ins.length === 0 || !ins.every((r) => r.fires) || missing) return evaluation;
    if (ins.some((r) => this.inCooldown(timeS, r.rule.action))) return this.hold(evaluation, 'scale-in held by cooldown');
    // The smallest decrease wins: the highest resulting count again.
    const { rule: chosen, target } = this.highestResult(ins, capacity, profile);
    if (target >= capacity) return evaluation;

    // Flapping guard: the first count from the target up that keeps every out-rule quiet.
    for (let n = target; n < capacity; n++) {
      if (outs.every((r) => !this.firesAt(r, capacity, n))) {
        const flapping = n !== target ? `scaled in to ${n} instead of ${target} to avoid flapping` : undefined;
        return this.decide(
          evaluation,
          { timeS, from: capacity, to: n, reason: 'scale-in', profile: profile.name, rule: chosen.rule.name, flapping },
          chosen.rule.action,
        );
      }
    }
    return this.hold(evaluation, `scale-in to ${target} skipped: it would trip a scale-out (flapping)`);
  }

  evaluateRule(rule: ScaleRule, timeS: number, capacity: number, metrics: MetricSource): RuleEvaluation {
    const t = rule.trigger;
    // Grains that ended no later than (run - delay), covering the window before that point: whole
    // grains only, also when the window is not a multiple of the grain (else the last one would run
    // past `end`, into data autoscale cannot see yet).
    const end = Math.floor((timeS - this.params.metricDelayS) / t.timeGrainS) * t.timeGrainS;
    const first = end - Math.floor(t.timeWindowS / t.timeGrainS) * t.timeGrainS;
    const values: number[] = [];
    for (let start = first; start < end; start += t.timeGrainS) {
      if (start < 0) continue;
      const v = metrics.grainValue(t.metric, t.statistic, start, t.timeGrainS);
      if (v !== undefined) values.push(v);
    }
    let value = aggregate(t.timeAggregation, values);
    if (value !== undefined && t.divideByInstanceCount) value /= capacity;
    return { rule, value, fires: value !== undefined && compare(t.operator, value, t.threshold) };
  }

  /** Would this out-rule fire at `n` instances? Per-instance values scale by current / n [D]; totals do not [I]. */
  private firesAt(r: RuleEvaluation, capacity: number, n: number): boolean {
    if (r.value === undefined) return false;
    const t = r.rule.trigger;
    const perInstance = t.divideByInstanceCount || t.metric === 'CpuPercentage';
    const projected = perInstance ? (r.value * capacity) / n : r.value;
    return compare(t.operator, projected, t.threshold);
  }

  /** The rule whose action leads to the most instances (within the profile), and that count. */
  private highestResult(
    candidates: RuleEvaluation[],
    capacity: number,
    profile: AutoscaleProfile,
  ): { rule: RuleEvaluation; target: number } {
    return candidates
      .map((rule) => ({ rule, target: clamp(this.apply(capacity, rule.rule.action), profile) }))
      .reduce((best, next) => (next.target > best.target ? next : best));
  }

  private apply(capacity: number, action: ScaleAction): number {
    const sign = action.direction === 'Increase' ? 1 : -1;
    switch (action.type) {
      case 'ChangeCount':
        return capacity + sign * action.value;
      case 'ExactCount':
        return action.value;
      case 'ServiceAllowedNextValue':
        // [I] An App Service plan's next allowed count is one instance away.
        return capacity + sign;
      case 'PercentChangeCount': {
        const exact = (capacity * action.value) / 100;
        const rounded =
          this.params.percentRounding === 'up'
            ? Math.ceil(exact)
            : this.params.percentRounding === 'down'
              ? Math.floor(exact)
              : Math.round(exact);
        return capacity + sign * Math.max(1, rounded);
      }
    }
  }

  /** Under 'last-action' the last action's cooldown blocks every rule; under 'per-rule' each rule's own. */
  private inCooldown(timeS: number, action: ScaleAction | undefined): boolean {
    if (!this.lastAction) return false;
    const cooldown = this.params.cooldownMode === 'per-rule' && action ? action.cooldownS : this.lastAction.cooldownS;
    return timeS < this.lastAction.timeS + cooldown;
  }

  private decide(evaluation: Omit<Evaluation, 'decision'>, decision: ScaleDecision, action: ScaleAction | undefined): Evaluation {
    this.current = decision.to;
    // [I] A profile-limit or missing-metric jump is not a rule's action and starts no cooldown.
    if (action) this.lastAction = { timeS: decision.timeS, cooldownS: action.cooldownS };
    this.decisions.push(decision);
    return { ...evaluation, decision };
  }

  private hold(evaluation: Evaluation, reason: string): Evaluation {
    this.holds.push({ timeS: evaluation.timeS, reason });
    return { ...evaluation, held: reason };
  }
}

function clamp(count: number, profile: AutoscaleProfile): number {
  return Math.min(profile.maximum, Math.max(profile.minimum, count));
}

export function compare(operator: ComparisonOperator, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThan':
      return value > threshold;
    case 'GreaterThanOrEqual':
      return value >= threshold;
    case 'LessThan':
      return value < threshold;
    case 'LessThanOrEqual':
      return value <= threshold;
    case 'Equals':
      return value === threshold;
    case 'NotEquals':
      return value !== threshold;
  }
}

export function aggregate(kind: TimeAggregation | Statistic, values: ArrayLike<number>): number | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  switch (kind) {
    case 'Average':
      return sum / n;
    case 'Minimum':
    case 'Min':
      return min;
    case 'Maximum':
    case 'Max':
      return max;
    case 'Total':
    case 'Sum':
      return sum;
    case 'Count':
      return n;
    case 'Last':
      return values[n - 1];
  }
}
