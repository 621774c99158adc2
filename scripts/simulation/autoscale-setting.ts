/**
 * An autoscale setting as the simulation's engine reads it: profiles with capacities, rules and
 * fixed-date windows as instants. stack-model.ts builds it from the synthesized stack; tests build
 * small ones by hand.
 */

/** The metrics the model produces: the queue's active messages and the plan's CPU. */
export type MetricName = 'ActiveMessages' | 'CpuPercentage';

/** How samples from several instances (or within one grain) are combined. [D] MetricTrigger.Statistic */
export type Statistic = 'Average' | 'Min' | 'Max' | 'Sum' | 'Count';

/** How the grain values in the time window are combined. [D] MetricTrigger.TimeAggregation */
export type TimeAggregation = 'Average' | 'Minimum' | 'Maximum' | 'Total' | 'Count' | 'Last';

export type ComparisonOperator = 'GreaterThan' | 'GreaterThanOrEqual' | 'LessThan' | 'LessThanOrEqual' | 'Equals' | 'NotEquals';

export type ScaleActionType = 'ChangeCount' | 'PercentChangeCount' | 'ExactCount' | 'ServiceAllowedNextValue';

export interface MetricTrigger {
  readonly metric: MetricName;
  readonly statistic: Statistic;
  readonly timeGrainS: number;
  readonly timeWindowS: number;
  readonly timeAggregation: TimeAggregation;
  readonly operator: ComparisonOperator;
  readonly threshold: number;
  /** Divide the value by the target's current instance count. */
  readonly divideByInstanceCount: boolean;
}

export interface ScaleAction {
  readonly direction: 'Increase' | 'Decrease';
  readonly type: ScaleActionType;
  readonly value: number;
  readonly cooldownS: number;
}

export interface ScaleRule {
  /** For logs: e.g. `out: ActiveMessages > 500/instance`. */
  readonly name: string;
  readonly trigger: MetricTrigger;
  readonly action: ScaleAction;
}

export interface FixedDateWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly timeZone: string;
  /** The wall-clock texts as synthesized, for the report. */
  readonly start: string;
  readonly end: string;
}

export interface AutoscaleProfile {
  readonly name: string;
  readonly minimum: number;
  readonly default: number;
  readonly maximum: number;
  readonly rules: readonly ScaleRule[];
  /** Absent on the default profile. */
  readonly fixedDate?: FixedDateWindow;
}

export interface AutoscaleSetting {
  /** In the order Azure stores them; a fixed-date profile that covers the instant wins over the default one. */
  readonly profiles: readonly AutoscaleProfile[];
}

export function ruleName(trigger: MetricTrigger, action: ScaleAction): string {
  const op: Record<ComparisonOperator, string> = {
    GreaterThan: '>',
    GreaterThanOrEqual: '>=',
    LessThan: '<',
    LessThanOrEqual: '<=',
    Equals: '=',
    NotEquals: '!=',
  };
  const per = trigger.divideByInstanceCount ? '/instance' : '';
  const sign = action.direction === 'Increase' ? '+' : '-';
  return `${action.direction === 'Increase' ? 'out' : 'in'}: ${trigger.metric} ${trigger.timeAggregation} ${op[trigger.operator]} ${trigger.threshold}${per} (${sign}${action.value} ${action.type})`;
}

/** The default profile: the first one without a fixed date. */
export function defaultProfile(setting: AutoscaleSetting): AutoscaleProfile {
  const profile = setting.profiles.find((p) => !p.fixedDate);
  if (!profile) throw new Error('the autoscale setting has no default (non-fixed-date) profile');
  return profile;
}

/** The profile that applies at an instant: fixed-date profiles first (start inclusive, end exclusive), then the default. */
export function activeProfile(setting: AutoscaleSetting, atMs: number): AutoscaleProfile {
  const fixed = setting.profiles.find((p) => p.fixedDate && atMs >= p.fixedDate.startMs && atMs < p.fixedDate.endMs);
  return fixed ?? defaultProfile(setting);
}
