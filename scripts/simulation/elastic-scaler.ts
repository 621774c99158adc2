import type { ElasticPremiumParameters } from './assumptions';
import type { ScaleDecision } from './autoscale-engine';

/**
 * The Functions scale controller of an Elastic Premium plan, one look at a time. Its code is not
 * public; the rules below are the documented ones, the rest parameters (assumptions.ts):
 *
 *  - It wants `desired` instances: for a queue trigger ceil(queue length / maxConcurrentCalls)
 *    (target-based scaling [D], ServiceBusTargetScaler); for HTTP what keeps the CPU at the
 *    utilisation target [I]. It never goes below the always-ready count [D], which a sale window's
 *    schedule may raise, nor above min(app scale limit, maximum burst) [D].
 *  - Out: below the always-ready count, straight to it [I] (always-ready instances are not scaling).
 *    Otherwise at most `maxStep` instances per step and one step per `scaleOutIntervalS` (queue: 4 per
 *    30 s [D]; HTTP: 1 per second [D]).
 *  - In: only after `desired` stayed below the running count for `scaleInAfterS` [I], then one
 *    instance per `scaleInIntervalS` [D incremental / I target-based]. The caller drains the instance:
 *    it takes no new work and leaves when its running executions end [D, "drain mode"].
 */

export interface ElasticScalerOptions {
  readonly params: ElasticPremiumParameters;
  readonly trigger: 'queue' | 'http';
  /** The always-ready count in force at a second (the schedule's calendar). */
  readonly alwaysReadyAt: (timeS: number) => number;
  /** min(app scale limit, maximum burst). */
  readonly limit: number;
  /** For the decisions' `profile` field: the window in force, or `everyday`. */
  readonly windowAt?: (timeS: number) => string;
}

export class ElasticScaleController {
  readonly decisions: ScaleDecision[] = [];
  readonly holds: Array<{ readonly timeS: number; readonly reason: string }> = [];
  private lastOutS = Number.NEGATIVE_INFINITY;
  private lastInS = Number.NEGATIVE_INFINITY;
  private belowSinceS: number | undefined;
  private readonly scaleOutIntervalS: number;
  private readonly maxStep: number;

  constructor(private readonly options: ElasticScalerOptions) {
    const p = options.params;
    this.scaleOutIntervalS = options.trigger === 'queue' ? p.queueScaleOutIntervalS : p.httpScaleOutIntervalS;
    this.maxStep = options.trigger === 'queue' ? p.queueMaxStep : 1;
  }

  /** Seconds between looks: the controller's interval for a queue, every second for HTTP. */
  get intervalS(): number {
    return this.options.trigger === 'queue' ? this.options.params.controllerIntervalS : this.options.params.httpScaleOutIntervalS;
  }

  isLookAt(timeS: number): boolean {
    return timeS % this.intervalS === 0;
  }

  /** The count to run from now on, given the count running (draining ones excluded) and the count wanted. */
  look(timeS: number, running: number, desired: number): number {
    const floor = Math.min(this.options.alwaysReadyAt(timeS), this.options.limit);
    const target = Math.max(floor, Math.min(this.options.limit, Math.ceil(desired)));
    const profile = this.options.windowAt?.(timeS) ?? 'everyday';
    if (running < floor) {
      this.belowSinceS = undefined;
      return this.decide({ timeS, from: running, to: floor, reason: 'always-ready', profile });
    }
    if (target > running) {
      this.belowSinceS = undefined;
      if (timeS - this.lastOutS < this.scaleOutIntervalS) {
        this.holds.push({ timeS, reason: `scale-out waits for the ${this.scaleOutIntervalS} s new-instance interval` });
        return running;
      }
      this.lastOutS = timeS;
      return this.decide({
        timeS,
        from: running,
        to: Math.min(target, running + this.maxStep),
        reason: 'scale-out',
        profile,
        rule: this.rule(desired),
      });
    }
    if (target < running) {
      this.belowSinceS ??= timeS;
      if (timeS - this.belowSinceS < this.options.params.scaleInAfterS || timeS - this.lastInS < this.options.params.scaleInIntervalS)
        return running;
      this.lastInS = timeS;
      return this.decide({ timeS, from: running, to: running - 1, reason: 'scale-in', profile, rule: this.rule(desired) });
    }
    this.belowSinceS = undefined;
    return running;
  }

  private rule(desired: number): string {
    return this.options.trigger === 'queue' ? `target-based: wants ${Math.ceil(desired)}` : `HTTP: wants ${Math.ceil(desired)}`;
  }

  private decide(decision: ScaleDecision): number {
    this.decisions.push(decision);
    return decision.to;
  }
}
